"""The contests' list, a contest's page, the organiser's forms and «Мои
конкурсы»: what each shows to whom, 404 for what one may not see, 400
with the text kept, no writes on GET, and each page within 10 queries with
55 contests or entries — for a signed-in member too, her session, her row
and her unread counts included."""

import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles.tests.factories import CommunityFactory
from contests.changes import results_frozen
from contests.models import Contest, Entry, Judge
from contests.tests.helpers_contests import (
    contest_draft,
    contest_open,
    entry_of,
    expert,
    finished,
    moderator,
    moved_to,
    subject,
    veteran,
    window,
)

pytestmark = pytest.mark.django_db

MANY = 55
BUDGET = 10
SIGNED_IN_BUDGET = BUDGET
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def _many_contests(count: int = MANY, **fields) -> list[Contest]:
    organiser = moderator()
    now = timezone.now()
    values = {
        "organiser": organiser,
        "summary": "Кратко о конкурсе.",
        "rules": "Правила",
        "rules_html": "<p>Правила</p>",
        "subject": subject(),
        "status": Contest.Status.PUBLISHED,
        "published_at": now,
        "community": CommunityFactory(),
        **window("open"),
    }
    values.update(fields)
    return Contest.objects.bulk_create(
        Contest(title=f"Конкурс № {number}", slug=f"konkurs-{number}", **values)
        for number in range(count)
    )


def _many_entries(contest: Contest, count: int = MANY) -> list[Entry]:
    """``count`` entries, each by two authors, half of them materials."""
    from materials.tests.factories import MaterialFactory

    nomination = contest.nominations.order_by("position").first()
    authors = [UserFactory(), UserFactory()]
    material = MaterialFactory(author=authors[0])
    entries = Entry.objects.bulk_create(
        Entry(
            contest=contest,
            nomination=nomination,
            submitted_by=authors[0],
            title=f"Работа № {number}",
            text="Текст",
            text_html="<p>Текст</p>",
            material=material if number % 2 else None,
            vote_count=number,
            score=4,
            score_count=2,
        )
        for number in range(count)
    )
    Entry.authors.through.objects.bulk_create(
        Entry.authors.through(entry=entry, user=user)
        for entry in entries
        for user in authors
    )
    Contest.objects.filter(pk=contest.pk).update(entry_count=count)
    return entries


# --- The list ----------------------------------------------------------------------


def test_the_list_shows_contests_everyone_may_read(client):
    shown = contest_open(title="Открытый урок")
    draft = contest_draft(title="Черновик конкурса")
    hidden = contest_open(title="Скрытый конкурс")
    Contest.objects.filter(pk=hidden.pk).update(is_hidden=True)
    cancelled = contest_open(title="Отменённый конкурс")
    Contest.objects.filter(pk=cancelled.pk).update(status=Contest.Status.CANCELLED)

    page = client.get(reverse("contests:index")).content.decode()

    assert shown.get_absolute_url() in page
    assert "Идёт приём работ" in page
    for other in (draft, hidden, cancelled):
        assert other.title not in page


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("open", {"Открытый"}),
        ("upcoming", {"Будущий"}),
        ("judging", {"На оценке"}),
        ("finished", {"Завершённый"}),
        ("", {"Открытый", "Будущий", "На оценке", "Завершённый"}),
    ],
)
def test_the_list_filters_by_phase(client, phase, expected):
    contest_open(title="Открытый")
    moved_to(contest_open(title="Будущий"), "upcoming")
    moved_to(contest_open(title="На оценке"), "judging")
    finished(moved_to(contest_open(title="Завершённый"), "over"))
    titles = {"Открытый", "Будущий", "На оценке", "Завершённый"}

    page = client.get(reverse("contests:index"), {"phase": phase}).content.decode()

    assert {title for title in titles if f">{title}</a>" in page} == expected


def test_the_list_filters_by_subject(client):
    contest_open(title="Математический")
    contest_open(title="Физический", subject=subject("physics"))

    page = client.get(
        reverse("contests:index"), {"subject": subject("physics").pk}
    ).content.decode()

    assert "Физический" in page
    assert "Математический" not in page


def test_a_filter_it_cannot_read_is_a_400(client):
    response = client.get(reverse("contests:index"), {"phase": "someday"})

    assert response.status_code == 400


def test_the_list_is_paginated_within_the_budget_and_writes_nothing(
    client, settings, django_assert_max_num_queries
):
    _many_contests()
    member = UserFactory()

    with django_assert_max_num_queries(BUDGET):
        first = client.get(reverse("contests:index"))
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("contests:index"), {"page": 3})

    assert len(queries.captured_queries) <= SIGNED_IN_BUDGET
    assert not _writes(queries)
    assert first.content.decode().count(
        'class="ui-card ui-card-link contest-card"'
    ) == (settings.CONTESTS_PER_PAGE)
    assert "Страница 3 из 3" in second.content.decode()


# --- A contest's page ---------------------------------------------------------------


def test_a_draft_is_a_404_to_others_and_shown_to_its_organiser(client):
    contest = contest_draft()
    url = contest.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(contest.organiser)
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("contests:publish", args=[contest.slug]) in page.content.decode()


def test_the_page_shows_rules_nominations_rubric_and_dates_in_the_viewers_zone(client):
    contest = contest_open(rules="Присылайте **только** свои работы.")
    opens = datetime.datetime(2031, 3, 1, 9, 0, tzinfo=datetime.UTC)
    Contest.objects.filter(pk=contest.pk).update(
        submissions_open_at=opens,
        submissions_close_at=opens + datetime.timedelta(days=7),
        judging_close_at=opens + datetime.timedelta(days=14),
    )
    viewer = UserFactory()
    viewer.profile.time_zone = "Asia/Vladivostok"
    viewer.profile.save()
    client.force_login(viewer)

    page = client.get(contest.get_absolute_url()).content.decode()

    assert "<strong>только</strong>" in page
    assert "Лучший урок" in page
    assert "Методическая ценность" in page
    local = opens.astimezone(zoneinfo.ZoneInfo("Asia/Vladivostok"))
    assert f"1 марта 2031, {local:%H:%M}" in page
    assert "19:00" in page


def test_entries_are_listed_without_authors_until_the_results(client):
    contest = contest_open()
    author = UserFactory()
    entry = entry_of(contest, author=author, title="Урок-игра")

    before = client.get(contest.get_absolute_url()).content.decode()
    finished(contest)
    Entry.objects.filter(pk=entry.pk).update(place=1, result=Entry.Result.WINNER)
    results_frozen(contest)  # as the results' service does: visitors' pages move
    after = client.get(contest.get_absolute_url()).content.decode()

    assert "Урок-игра" in before
    assert author.profile.shown_name not in before
    assert "вслепую" in before
    assert author.profile.shown_name in after
    assert "1 место: победитель" in after


def test_a_judge_sees_no_authors_and_her_queue_link(client):
    contest = contest_open()
    author = UserFactory()
    entry_of(contest, author=author)
    judge = expert()
    Judge.objects.create(contest=contest, user=judge)
    client.force_login(judge)

    page = client.get(contest.get_absolute_url()).content.decode()

    assert author.profile.shown_name not in page
    assert reverse("contests:judging", args=[contest.slug]) in page
    assert reverse("contests:jury", args=[contest.slug]) not in page


def test_the_organiser_sees_authors_and_the_jurys_links(client):
    contest = contest_open()
    author = UserFactory()
    entry_of(contest, author=author)
    client.force_login(contest.organiser)

    page = client.get(contest.get_absolute_url()).content.decode()

    assert author.profile.shown_name in page
    assert reverse("contests:jury", args=[contest.slug]) in page
    assert reverse("contests:edit", args=[contest.slug]) in page
    assert reverse("contests:judging", args=[contest.slug]) not in page


def test_a_member_sees_no_organisers_links(client):
    contest = contest_open()
    client.force_login(UserFactory())

    page = client.get(contest.get_absolute_url()).content.decode()

    assert reverse("contests:entry_new", args=[contest.slug]) in page
    for name in ("edit", "jury", "judging", "finish", "cancel"):
        assert reverse(f"contests:{name}", args=[contest.slug]) not in page


def test_the_page_of_55_entries_keeps_the_budget_for_everyone(
    client, django_assert_max_num_queries
):
    contest = contest_open(public_vote=True)
    _many_entries(contest)
    moved_to(contest, "judging")
    judge = expert()
    Judge.objects.create(contest=contest, user=judge)
    url = contest.get_absolute_url()

    with django_assert_max_num_queries(BUDGET):
        anonymous = client.get(url)
    for viewer in (veteran(), judge, contest.organiser, moderator()):
        client.force_login(viewer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page": 2})
        assert response.status_code == 200
        assert len(queries.captured_queries) <= SIGNED_IN_BUDGET, viewer
        assert not _writes(queries)
    assert anonymous.status_code == 200
    assert anonymous.content.decode().count('class="ui-row"') == 20


def test_a_veteran_votes_from_the_list_and_sees_her_vote(client):
    contest = contest_open(public_vote=True)
    entry = entry_of(contest)
    moved_to(contest, "judging")
    client.force_login(veteran())
    vote_url = reverse("contests:vote", args=[contest.slug, entry.pk])

    before = client.get(contest.get_absolute_url()).content.decode()
    client.post(vote_url, {"next": contest.get_absolute_url()})
    after = client.get(contest.get_absolute_url()).content.decode()

    assert vote_url in before
    assert vote_url not in after
    assert "ваш голос" in after


def test_a_new_member_gets_no_vote_button(client):
    contest = contest_open(public_vote=True)
    entry = entry_of(contest)
    moved_to(contest, "judging")
    client.force_login(UserFactory())

    page = client.get(contest.get_absolute_url()).content.decode()

    assert reverse("contests:vote", args=[contest.slug, entry.pk]) not in page
    assert "со стажем на сайте от 30 дней" in page


# --- The organiser's forms -----------------------------------------------------------


def _contest_form(**changes) -> dict:
    data = {
        "title": "Методическая копилка",
        "summary": "Собираем лучшие разработки.",
        "rules": "Присылайте свои разработки.",
        "subject": subject().pk,
        "submissions_open_at": "2031-03-01T09:00",
        "submissions_close_at": "2031-03-10T18:00",
        "judging_close_at": "2031-03-20T18:00",
        "judges_per_entry": 2,
        "nomination_title": "Лучший урок",
        "nomination_criteria": "Идея\nМетодика",
        "nomination_prize_places": 3,
    }
    data.update(changes)
    return data


def test_a_member_may_not_open_the_new_contest_form(client):
    client.force_login(UserFactory())

    assert client.get(reverse("contests:new")).status_code == 403


def test_a_moderator_makes_a_draft_with_dates_read_in_her_zone(client):
    organiser = moderator()
    organiser.profile.time_zone = "Asia/Yekaterinburg"
    organiser.profile.save()
    client.force_login(organiser)

    response = client.post(reverse("contests:new"), _contest_form())

    contest = Contest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:edit", args=[contest.slug])
    assert contest.status == Contest.Status.DRAFT
    assert contest.submissions_open_at == datetime.datetime(
        2031, 3, 1, 4, 0, tzinfo=datetime.UTC
    )
    assert [item["title"] for item in contest.nominations.get().criteria] == [
        "Идея",
        "Методика",
    ]


def test_a_bad_form_is_a_400_with_the_text_kept(client):
    client.force_login(moderator())

    response = client.post(
        reverse("contests:new"),
        _contest_form(judging_close_at="2031-03-05T18:00", rules="Мои _правила_"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Оценка должна закончиться после окончания приёма работ." in page
    assert "Мои _правила_" in page
    assert not Contest.objects.exists()


def test_a_community_owner_organises_in_her_community_only(client):
    community = CommunityFactory(name="Учителя Казани")
    client.force_login(community.founder)

    form = client.get(reverse("contests:new")).content.decode()
    alone = client.post(reverse("contests:new"), _contest_form())
    inside = client.post(reverse("contests:new"), _contest_form(community=community.pk))

    assert "Учителя Казани" in form
    assert alone.status_code == 400
    assert inside.status_code == 302
    assert Contest.objects.get().community == community


def test_the_edit_page_is_a_403_to_others_and_a_404_for_a_draft(client):
    public = contest_open()
    draft = contest_draft(title="Черновик")
    client.force_login(UserFactory())

    assert client.get(reverse("contests:edit", args=[public.slug])).status_code == 403
    assert client.get(reverse("contests:edit", args=[draft.slug])).status_code == 404


def test_the_organiser_edits_the_contest_and_its_nominations(client):
    contest = contest_draft()
    client.force_login(contest.organiser)
    nomination = contest.nominations.get()

    edited = client.post(
        reverse("contests:edit", args=[contest.slug]),
        {
            **_contest_form(title="Новое название"),
            "submissions_open_at": "2031-03-01T09:00",
        },
    )
    added = client.post(
        reverse("contests:nomination_add", args=[contest.slug]),
        {"title": "Проект", "criteria": "Польза\n\nКоманда", "prize_places": 2},
    )
    renamed = client.post(
        reverse("contests:nomination_edit", args=[contest.slug, nomination.pk]),
        {"title": "Урок года", "criteria": "Идея", "prize_places": 1},
    )
    removed = client.post(
        reverse("contests:nomination_remove", args=[contest.slug, nomination.pk])
    )

    assert [edited.status_code, added.status_code, renamed.status_code] == [302] * 3
    assert removed.status_code == 302
    contest.refresh_from_db()
    assert contest.title == "Новое название"
    assert [item.title for item in contest.nominations.all()] == ["Проект"]


def test_a_nomination_without_criteria_is_a_400_with_the_text_kept(client):
    contest = contest_draft()
    client.force_login(contest.organiser)

    response = client.post(
        reverse("contests:nomination_add", args=[contest.slug]),
        {"title": "Проект без критериев", "criteria": " \n ", "prize_places": 2},
    )

    assert response.status_code == 400
    assert "Проект без критериев" in response.content.decode()


def test_announcing_and_cancelling_from_the_page(client):
    contest = contest_draft()
    client.force_login(contest.organiser)

    announced = client.post(reverse("contests:publish", args=[contest.slug]))
    again = client.post(reverse("contests:publish", args=[contest.slug]))
    no_reason = client.post(reverse("contests:cancel", args=[contest.slug]), {})
    cancelled = client.post(
        reverse("contests:cancel", args=[contest.slug]), {"reason": "Нет жюри"}
    )

    assert announced.status_code == 302
    assert again.status_code == 400
    assert "Объявить можно только черновик." in again.content.decode()
    assert no_reason.status_code == 400
    assert cancelled.status_code == 302
    assert Contest.objects.get().status == Contest.Status.CANCELLED


def test_the_forms_write_nothing_on_get(client):
    contest = contest_draft()
    client.force_login(contest.organiser)
    urls = [
        reverse("contests:new"),
        reverse("contests:edit", args=[contest.slug]),
        reverse("contests:nomination_add", args=[contest.slug]),
        reverse("contests:cancel", args=[contest.slug]),
        reverse("contests:mine"),
    ]

    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert not _writes(queries), url


# --- «Мои конкурсы» ----------------------------------------------------------------


def test_my_contests_lists_entries_contests_organised_and_juries(client):
    organiser = moderator()
    organised = contest_open(organiser=organiser, title="Мой конкурс")
    other = contest_open(title="Чужой конкурс")
    entry = entry_of(other, author=organiser, title="Моя работа")
    judged = contest_open(title="Конкурс с жюри")
    Judge.objects.create(contest=judged, user=organiser)
    client.force_login(organiser)

    page = client.get(reverse("contests:mine")).content.decode()

    assert organised.title in page
    assert entry.title in page
    assert judged.title in page


def test_my_contests_keeps_the_budget_with_many_rows(
    client, django_assert_max_num_queries
):
    member = UserFactory()
    contest = contest_open()
    entries = _many_entries(contest)
    Entry.authors.through.objects.bulk_create(
        Entry.authors.through(entry=entry, user=member) for entry in entries
    )
    client.force_login(member)

    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        summary = client.get(reverse("contests:mine"))
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        whole = client.get(reverse("contests:mine"), {"list": "entries", "page": 2})

    assert "Все мои работы" in summary.content.decode()
    assert whole.content.decode().count("Работа №") == 20


def test_my_contests_is_for_members(client):
    response = client.get(reverse("contests:mine"))

    assert response.status_code == 302
