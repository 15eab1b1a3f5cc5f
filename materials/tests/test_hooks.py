"""What the materials give the digests, the portfolio, bookmarks and the feed."""

import datetime

import pytest
from django.utils import timezone

from accounts.portfolio import portfolio_for
from community.digests import digest_contents
from community.models import Subject
from materials import services
from materials.models import Material
from materials.tests.factories import MaterialFactory, pdf_upload
from materials.tests.test_review import ALL_FIVES, expert
from materials.uploads import file_check

pytestmark = pytest.mark.django_db


def _digest_titles(user) -> list[str]:
    since = timezone.now() - datetime.timedelta(days=1)
    content = digest_contents(users=[user], since=since)[user.pk]
    found = {section.key: items for section, items in content.sections}
    return [item.title for item in found.get("new_materials", [])]


def test_digest_lists_new_materials_in_the_readers_subjects(member):
    member.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    MaterialFactory(title="Новый урок")
    MaterialFactory(title="Физика", subject=Subject.objects.get(slug="physics"))
    MaterialFactory(title="Черновик", status=Material.Status.DRAFT)
    MaterialFactory(title="Свой", author=member)
    old = MaterialFactory(title="Давний")
    Material.objects.filter(pk=old.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=5)
    )

    assert _digest_titles(member) == ["Новый урок"]


def test_portfolio_shows_the_authors_materials_and_the_reviewers_reviews(member):
    material = MaterialFactory(author=member, title="Мой урок")
    MaterialFactory(author=member, title="Черновик", status=Material.Status.DRAFT)
    reviewer = expert()
    round_ = services.review_request(material=material, author=member)
    assignment = services.review_take(round_=round_, reviewer=reviewer)
    services.review_write(
        assignment=assignment, reviewer=reviewer, scores=ALL_FIVES, comments={},
        recommendation="recommend", summary="Хорошо",
    )  # fmt: skip

    authors = {section.key: items for section, items in portfolio_for(member)}
    reviewers = {section.key: items for section, items in portfolio_for(reviewer)}

    assert [item.title for item in authors["materials"]] == ["Мой урок"]
    assert [item.title for item in reviewers["expert_reviews"]] == ["Мой урок"]


def test_materials_can_be_bookmarked_and_feed_reads_shared(member):
    from accounts import services as accounts
    from community.models import ActivityEvent

    material = services.material_create(
        author=member,
        files=[file_check(pdf_upload())],
        title="Урок",
        summary="Кратко",
        subject=Subject.objects.get(slug="mathematics"),
        kind="lesson_plan",
        licence="cc-by",
        rights_confirmed=True,
    )
    reader = expert()

    assert accounts.bookmark_set(
        user=reader, key="material", object_id=material.pk, on=True
    )
    event = ActivityEvent.objects.get(kind="material")
    assert event.phrase.endswith("делится материалом")
