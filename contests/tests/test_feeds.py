"""The RSS and Atom feeds of open contests and the sitemap: only what
everyone may read, in a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from contests.models import Contest, Project
from contests.tests import helpers_community as make

pytestmark = pytest.mark.django_db


def _open_and_not():
    """An open contest, and one of every kind the feed leaves out."""
    shown = make.contest(
        title="Лучший урок года",
        organiser=UserFactory(profile__display_name="Анна Петрова"),
    )
    soon = make.contest(title="Скоро приём", opens_in=3, closes_in=20)
    left_out = [
        make.contest(status=Contest.Status.DRAFT, title="Черновик"),
        make.contest(is_hidden=True, title="Скрытый"),
        make.contest(status=Contest.Status.CANCELLED, title="Отменён"),
        make.contest(opens_in=-20, closes_in=-1, title="Приём закрыт"),
        make.finished(title="Итоги подведены"),
    ]
    return shown, soon, left_out


def test_the_rss_feed_lists_open_contests_only(client):
    shown, _soon, left_out = _open_and_not()

    response = client.get(reverse("contests:feed"))

    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert xml.count("<item>") == 2
    assert "Лучший урок года" in xml
    assert "Скоро приём" in xml
    assert shown.get_absolute_url() in xml
    assert "<category>" in xml
    assert "Анна Петрова" in xml
    for contest in left_out:
        assert contest.title not in xml
        assert contest.get_absolute_url() not in xml


def test_the_atom_feed_lists_the_same(client):
    shown, _soon, left_out = _open_and_not()

    response = client.get(reverse("contests:feed_atom"))

    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert xml.count("<entry>") == 2
    assert shown.get_absolute_url() in xml
    assert all(contest.title not in xml for contest in left_out)


def test_the_feed_says_when_entries_are_taken(client):
    contest = make.contest(title="Лучший урок года")
    closes = timezone.localtime(contest.submissions_close_at)

    xml = client.get(reverse("contests:feed"), HTTP_ACCEPT_LANGUAGE="ru").content
    text = xml.decode()

    assert "Приём работ с" in text
    assert str(closes.day) in text
    assert "Лучший урок года." in text


def test_a_members_markup_in_the_feed_stays_text(client):
    make.contest(title="<b>Жирный</b>", summary="<script>alert(1)</script>")

    xml = client.get(reverse("contests:feed")).content.decode()

    assert "<b>" not in xml
    assert "<script>" not in xml


def test_the_rss_feed_reads_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    for index in range(12):
        make.contest(title=f"Конкурс {index}")

    with django_assert_max_num_queries(2):
        response = client.get(reverse("contests:feed"))

    assert response.content.decode().count("<item>") == 12


def test_the_sitemap_lists_public_contests_and_projects_only(client):
    announced, done = make.contest(), make.finished()
    draft = make.contest(status=Contest.Status.DRAFT)
    hidden = make.contest(is_hidden=True)
    project = make.project(status=Project.Status.ACTIVE)
    draft_project = make.project(status=Project.Status.DRAFT)
    hidden_project = make.project(is_hidden=True)

    contests = client.get(reverse("sitemap_section", args=["contests"]))
    projects = client.get(reverse("sitemap_section", args=["projects"]))
    index = client.get(reverse("sitemap_index")).content.decode()

    contests, projects = contests.content.decode(), projects.content.decode()
    assert announced.get_absolute_url() in contests
    assert done.get_absolute_url() in contests
    assert draft.get_absolute_url() not in contests
    assert hidden.get_absolute_url() not in contests
    assert project.get_absolute_url() in projects
    assert draft_project.get_absolute_url() not in projects
    assert hidden_project.get_absolute_url() not in projects
    assert "sitemap-contests.xml" in index
    assert "sitemap-projects.xml" in index
