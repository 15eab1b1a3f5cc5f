"""An entry's page and forms: who sees it and its authors (blind until the
results), a material's files, the disqualification's reason its authors
see, 404 for what one may not see and 403 for what one sees but may not
do, 400 with the text kept, 429 past a new member's limit, no writes on
GET, 10 queries at most."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from contests.changes import results_frozen
from contests.models import Entry, Judge
from contests.services import entries as services
from contests.tests.helpers_contests import (
    contest_open,
    entry_of,
    expert,
    finished,
    moderator,
    moved_to,
)
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

BUDGET = 10
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def _page(client, entry: Entry, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(entry.get_absolute_url())


# --- The entry's page ---------------------------------------------------------------


def test_the_page_shows_the_text_and_hides_the_authors_before_the_results(client):
    contest = contest_open()
    author = UserFactory()
    entry = entry_of(contest, author=author, text="Урок с **игрой**")
    judge = expert()
    Judge.objects.create(contest=contest, user=judge)

    visitor = _page(client, entry).content.decode()
    judged = _page(client, entry, judge).content.decode()
    own = _page(client, entry, author).content.decode()

    assert "<strong>игрой</strong>" in visitor
    for page in (visitor, judged):
        assert author.profile.shown_name not in page
        assert "вслепую" in page
    assert author.profile.shown_name in own
    assert "ваша работа" in own


def test_after_the_results_the_page_names_the_authors_and_the_place(client):
    contest = contest_open()
    author = UserFactory()
    entry = entry_of(contest, author=author)
    finished(contest)
    Entry.objects.filter(pk=entry.pk).update(
        place=2, result=Entry.Result.PRIZE, score="4.50", score_count=2
    )
    results_frozen(contest)

    page = _page(client, entry).content.decode()

    assert author.profile.shown_name in page
    assert "2 место: призёр" in page
    assert "Оценка жюри 4,50 (2 эксперта)" in page


def test_a_material_entry_shows_its_files_and_the_library_link_only_to_who_may_know(
    client,
):
    contest = contest_open()
    author = UserFactory()
    material = MaterialFactory(author=author, title="Конспект про дроби")
    entry = entry_of(contest, author=author, material=material, text="")

    visitor = _page(client, entry).content.decode()
    own = _page(client, entry, author).content.decode()

    assert "Конспект про дроби" in visitor
    assert "План урока.pdf" in visitor
    link = f'href="{material.get_absolute_url()}"'
    assert link not in visitor
    assert link in own


def test_a_disqualified_entrys_reason_is_shown_to_its_authors_and_hidden_from_others(
    client,
):
    contest = contest_open()
    author = UserFactory()
    entry = entry_of(contest, author=author)
    services.entry_disqualify(
        entry=entry, actor=contest.organiser, reason="Работа взята из сети"
    )

    own = _page(client, entry, author)
    stranger = _page(client, entry, UserFactory())
    visitor = _page(client, entry)

    assert own.status_code == 200
    assert "Работа взята из сети" in own.content.decode()
    assert stranger.status_code == 404
    assert visitor.status_code == 404


def test_an_entry_of_another_contest_or_unknown_is_a_404(client):
    contest = contest_open()
    other = contest_open(title="Другой")
    entry = entry_of(other)

    wrong = client.get(reverse("contests:entry", args=[contest.slug, entry.pk]))
    huge = client.get(f"/contests/{contest.slug}/entries/{2**64}/")

    assert wrong.status_code == 404
    assert huge.status_code == 404


def test_the_entry_page_keeps_the_budget_and_writes_nothing(client):
    contest = contest_open(public_vote=True)
    author = UserFactory()
    material = MaterialFactory(author=author)
    entry = entry_of(
        contest,
        author=author,
        coauthors=[UserFactory() for _ in range(9)],
        material=material,
    )
    moved_to(contest, "judging")
    judge = expert()
    Judge.objects.create(contest=contest, user=judge)

    for viewer in (None, UserFactory(), author, judge, contest.organiser):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(entry.get_absolute_url())
        assert response.status_code == 200
        assert len(queries.captured_queries) <= BUDGET, viewer
        assert not _writes(queries)


# --- Submitting -------------------------------------------------------------------


def test_the_form_offers_the_members_own_published_materials(client):
    contest = contest_open()
    member = UserFactory()
    mine = MaterialFactory(author=member, title="Мой конспект")
    MaterialFactory(title="Чужой конспект")
    client.force_login(member)

    page = client.get(
        reverse("contests:entry_new", args=[contest.slug])
    ).content.decode()

    assert "Мой конспект" in page
    assert "Чужой конспект" not in page
    assert str(mine.pk) in page


def test_a_member_submits_an_entry_with_a_coauthor(client):
    contest = contest_open()
    member, colleague = UserFactory(), UserFactory()
    client.force_login(member)

    response = client.post(
        reverse("contests:entry_new", args=[contest.slug]),
        {
            "nomination": contest.nominations.get().pk,
            "title": "Урок-квест",
            "text": "Ход урока",
            "coauthor_names": f"@{colleague.username}",
        },
    )

    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert set(entry.authors.all()) == {member, colleague}


def test_an_empty_entry_is_a_400_with_the_title_kept(client):
    contest = contest_open()
    client.force_login(UserFactory())

    response = client.post(
        reverse("contests:entry_new", args=[contest.slug]),
        {"nomination": contest.nominations.get().pk, "title": "Мой урок-квест"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Мой урок-квест" in page
    assert "Напишите текст работы или выберите материал." in page
    assert not Entry.objects.exists()


def test_an_unknown_coauthor_is_a_400_naming_her(client):
    contest = contest_open()
    client.force_login(UserFactory())

    response = client.post(
        reverse("contests:entry_new", args=[contest.slug]),
        {
            "nomination": contest.nominations.get().pk,
            "title": "Урок",
            "text": "Текст работы",
            "coauthor_names": "nobody_here",
        },
    )

    assert response.status_code == 400
    assert "nobody_here" in response.content.decode()
    assert "Текст работы" in response.content.decode()


def test_past_a_new_members_limit_the_form_answers_429(client, settings):
    settings.MODERATION_NEW_MEMBER_PER_HOUR = {
        **settings.MODERATION_NEW_MEMBER_PER_HOUR,
        "contest_entries": 1,
    }
    contest = contest_open()
    member = UserFactory()
    entry_of(contest, author=member)
    client.force_login(member)

    response = client.post(
        reverse("contests:entry_new", args=[contest.slug]),
        {"nomination": contest.nominations.get().pk, "title": "Ещё", "text": "Текст"},
    )

    assert response.status_code == 429
    assert "Текст" in response.content.decode()


def test_the_form_is_a_403_to_the_organiser_and_when_entries_are_closed(client):
    contest = contest_open()
    closed = moved_to(contest_open(title="Закрытый"), "judging")

    client.force_login(contest.organiser)
    own = client.get(reverse("contests:entry_new", args=[contest.slug]))
    client.force_login(UserFactory())
    late = client.get(reverse("contests:entry_new", args=[closed.slug]))

    assert own.status_code == 403
    assert late.status_code == 403


# --- Editing, withdrawing, disqualifying --------------------------------------------


def test_an_author_edits_her_entry_and_a_stranger_may_not(client):
    contest = contest_open()
    author = UserFactory()
    entry = entry_of(contest, author=author)
    url = reverse("contests:entry_edit", args=[contest.slug, entry.pk])

    client.force_login(UserFactory())
    refused = client.get(url)
    client.force_login(author)
    with CaptureQueriesContext(connection) as queries:
        form = client.get(url)
    saved = client.post(
        url,
        {
            "nomination": entry.nomination_id,
            "title": "Новое название",
            "text": "Новый текст",
        },
    )

    assert refused.status_code == 403
    assert form.status_code == 200
    assert not _writes(queries)
    assert saved.status_code == 302
    assert Entry.objects.get(pk=entry.pk).title == "Новое название"


def test_withdrawing_from_the_page(client):
    contest = contest_open()
    author = UserFactory()
    entry = entry_of(contest, author=author)
    url = reverse("contests:entry_withdraw", args=[contest.slug, entry.pk])

    client.force_login(UserFactory())
    refused = client.post(url)
    client.force_login(author)
    withdrawn = client.post(url)

    assert refused.status_code == 403
    assert withdrawn.status_code == 302
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.WITHDRAWN


def test_disqualifying_from_the_page_needs_a_reason(client):
    contest = contest_open()
    entry = entry_of(contest)
    url = reverse("contests:entry_disqualify", args=[contest.slug, entry.pk])

    client.force_login(UserFactory())
    refused = client.get(url)
    client.force_login(moderator())
    form = client.get(url)
    empty = client.post(url, {"reason": "  "})
    done = client.post(url, {"reason": "Нарушены правила"})
    reinstated = client.post(
        reverse("contests:entry_reinstate", args=[contest.slug, entry.pk])
    )

    assert refused.status_code == 403
    assert form.status_code == 200
    assert empty.status_code == 400
    assert done.status_code == 302
    assert reinstated.status_code == 302
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.SUBMITTED
