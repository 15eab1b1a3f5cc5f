"""The benchmark script keeps working (its figures are read by people, not tests)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_digest_benchmark_runs_on_a_small_population():
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "bench" / "digests.py"), "--members", "40"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )

    assert result.returncode == 0, result.stderr
    assert "members: 40" in result.stdout
    assert "members/s" in result.stdout


def test_the_large_community_generator_fills_searchable_rows(db):
    sys.path.insert(0, str(ROOT))
    from bench.community_data import fill
    from community.models import SearchEntry
    from forums.models import Post

    counts = fill(scale=0.0002, batch=50)
    assert (
        counts["long_topic_posts"]
        == Post.objects.filter(topic_id=counts["long_topic"]).count()
    )

    assert counts["posts"] + counts["long_topic_posts"] == Post.objects.count()
    kinds = set(SearchEntry.objects.values_list("kind", flat=True))
    assert kinds == {"members", "topics", "posts", "materials", "masterclasses"}
    replies = counts["posts"] - counts["topics"] + counts["long_topic_posts"] - 1
    assert SearchEntry.objects.filter(kind="posts").count() == replies
    assert counts["ratings"] > 0
    assert counts["registrations"] > 0
    assert counts["notifications"] > 0
    from materials.models import Material, Review

    # The totals the pages read are those the services would have kept.
    material = Material.objects.filter(rating_count__gt=0).first()
    assert material.rating_count == material.ratings.count()
    assert not Material.objects.filter(current_version__isnull=True).exists()
    assert Review.objects.count() == 2 * counts["reviewed"] > 0
