"""The jury's, the judges', the finishing and the results' pages: who may
see them (a 404 for everyone else), blind judging (no author named), bad
input answered with 400 and the text kept, the page budget with 55 entries,
no write on a GET."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contests.models import Contest, Entry, Judge, Score
from contests.services import judging, results
from contests.tests import helpers_judging as make

pytestmark = pytest.mark.django_db

ROWS = 55
BUDGET = 10


def _no_writes(captured: CaptureQueriesContext) -> None:
    writes = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().split(" ", 1)[0].upper()
        in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []


def _judged(contest: Contest):
    expert = make.expert()
    Judge.objects.create(contest=contest, user=expert, assigned_by=contest.organiser)
    return expert


# --- The jury ----------------------------------------------------------------------


def test_jury_page_is_the_organisers_and_moderators(client, moderator):
    contest = make.contest(phase="entries")
    judge = _judged(contest)
    url = reverse("contests:jury", args=[contest.slug])

    for user in (make.teacher(), judge):
        client.force_login(user)
        assert client.get(url).status_code == 404
    for user in (contest.organiser, moderator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert judge.profile.shown_name in response.content.decode()


def test_jury_page_keeps_to_the_budget_with_55_judges(
    client, django_assert_max_num_queries
):
    contest = make.contest(phase="judging")
    entry = make.entry(contest)
    experts = [_judged(contest) for _ in range(ROWS)]
    for expert in experts[:5]:
        judging.score_write(entry=entry, judge_user=expert, marks=make.marks())
    make.expert()  # an expert of the subject not on the jury yet
    client.force_login(contest.organiser)

    with (
        django_assert_max_num_queries(BUDGET),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.get(reverse("contests:jury", args=[contest.slug]))

    assert response.status_code == 200
    _no_writes(captured)


def test_jury_page_seats_an_expert_by_username(client):
    contest = make.contest(phase="entries")
    expert = make.expert()
    client.force_login(contest.organiser)

    response = client.post(
        reverse("contests:jury", args=[contest.slug]),
        {"username": f"@{expert.username.upper()}", "nomination": ""},
    )

    assert response.status_code == 302
    assert Judge.objects.filter(contest=contest, user=expert).exists()


@pytest.mark.parametrize("who", ["unknown", "no expert"])
def test_jury_page_answers_a_refusal_with_400_and_keeps_the_input(client, who):
    contest = make.contest(phase="entries")
    username = "nobody-here" if who == "unknown" else make.teacher().username
    client.force_login(contest.organiser)

    response = client.post(
        reverse("contests:jury", args=[contest.slug]), {"username": username}
    )

    assert response.status_code == 400
    assert f'value="{username}"' in response.content.decode()
    assert not Judge.objects.exists()


def test_jury_page_takes_off_a_judge_who_scored_nothing(client):
    contest = make.contest(phase="entries")
    expert = _judged(contest)
    judge = Judge.objects.get(user=expert)
    client.force_login(contest.organiser)

    response = client.post(
        reverse("contests:jury_remove", args=[contest.slug, judge.pk])
    )

    assert response.status_code == 302
    assert not Judge.objects.exists()


def test_jury_join_seats_an_expert_of_the_subject(client):
    contest = make.contest(phase="entries")
    expert = make.expert()
    client.force_login(expert)

    response = client.post(reverse("contests:jury_join", args=[contest.slug]))

    assert response.status_code == 302
    assert response["Location"] == reverse("contests:judging", args=[contest.slug])
    assert Judge.objects.filter(contest=contest, user=expert).exists()


def test_jury_join_is_a_404_for_a_member_who_is_no_expert(client):
    contest = make.contest(phase="entries")
    client.force_login(make.teacher(subject_slug="mathematics"))

    response = client.post(reverse("contests:jury_join", args=[contest.slug]))

    assert response.status_code == 404
    assert not Judge.objects.exists()


# --- The judge's queue and score form ------------------------------------------------


def test_judging_pages_are_a_404_for_anyone_off_the_jury(client):
    contest = make.contest(phase="judging")
    entry = make.entry(contest)
    urls = [
        reverse("contests:judging", args=[contest.slug]),
        reverse("contests:score", args=[contest.slug, entry.pk]),
    ]

    for user in (make.teacher(), make.expert(), contest.organiser):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404, 404]


def test_judging_queue_never_names_the_authors_and_keeps_to_the_budget(
    client, django_assert_max_num_queries
):
    contest = make.contest(phase="judging")
    expert = _judged(contest)
    authors = [make.teacher() for _ in range(3)]
    entries = [make.entry(contest, authors[n % 3]) for n in range(ROWS)]
    judging.score_write(entry=entries[0], judge_user=expert, marks=make.marks(5, 4))
    client.force_login(expert)
    url = reverse("contests:judging", args=[contest.slug])

    with (
        django_assert_max_num_queries(BUDGET),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.get(url)

    assert response.status_code == 200
    _no_writes(captured)
    page = response.content.decode()
    for author in authors:
        assert author.profile.shown_name not in page
        assert author.username not in page
    assert page.count(reverse("contests:score", args=[contest.slug, 0])[:-2]) >= 20
    # What she scored comes last, with her mean mark (as Russian writes it).
    scored = reverse("contests:score", args=[contest.slug, entries[0].pk])
    assert f'"{scored}"' not in page
    last = client.get(url, {"page": 3}).content.decode()
    assert f'"{scored}"' in last
    assert "4,50" in last


def test_judging_queue_leaves_out_the_entries_of_a_conflict(client):
    contest = make.contest(phase="judging")
    expert = make.expert(school="Гимназия № 2")
    Judge.objects.create(contest=contest, user=expert)
    own = make.entry(contest, expert, title="Своя работа")
    colleague = make.entry(
        contest, make.teacher(school="гимназия № 2"), title="Работа коллеги"
    )
    fair = make.entry(contest, title="Чужая работа")
    client.force_login(expert)

    page = client.get(reverse("contests:judging", args=[contest.slug])).content.decode()

    assert fair.title in page
    assert own.title not in page
    assert colleague.title not in page
    for entry in (own, colleague):
        url = reverse("contests:score", args=[contest.slug, entry.pk])
        assert client.get(url).status_code == 404


def test_score_form_shows_the_entry_and_rubric_without_its_authors(client):
    contest = make.contest(phase="judging")
    expert = _judged(contest)
    author = make.teacher()
    entry = make.entry(contest, author, text_html="<p>Ход урока про дроби.</p>")
    client.force_login(expert)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("contests:score", args=[contest.slug, entry.pk]))

    assert response.status_code == 200
    _no_writes(captured)
    page = response.content.decode()
    assert entry.title in page
    assert "Ход урока про дроби." in page
    assert "Идея и новизна" in page
    assert "Методическая проработка" in page
    assert author.profile.shown_name not in page
    assert author.username not in page
    assert author.get_absolute_url() not in page


def test_score_form_writes_the_score(client):
    contest = make.contest(phase="judging")
    expert = _judged(contest)
    entry = make.entry(contest)
    client.force_login(expert)

    response = client.post(
        reverse("contests:score", args=[contest.slug, entry.pk]),
        {"mark_idea": "5", "mark_craft": "3", "comment": "Ясная цель."},
    )

    assert response.status_code == 302
    score = Score.objects.get(entry=entry, judge=expert)
    assert (score.marks, score.comment) == ({"idea": 5, "craft": 3}, "Ясная цель.")


def test_score_form_answers_bad_input_with_400_and_keeps_the_comment(client):
    contest = make.contest(phase="judging")
    expert = _judged(contest)
    entry = make.entry(contest)
    client.force_login(expert)

    response = client.post(
        reverse("contests:score", args=[contest.slug, entry.pk]),
        {"mark_idea": "5", "mark_craft": "9", "comment": "Ясная цель."},
    )

    assert response.status_code == 400
    assert "Ясная цель." in response.content.decode()
    assert not Score.objects.exists()


def test_score_form_answers_a_closed_window_with_400_and_keeps_the_comment(client):
    contest = make.contest(phase="over")
    expert = _judged(contest)
    entry = make.entry(contest)
    client.force_login(expert)

    response = client.post(
        reverse("contests:score", args=[contest.slug, entry.pk]),
        {"mark_idea": "5", "mark_craft": "3", "comment": "Поздно."},
    )

    assert response.status_code == 400
    assert "Поздно." in response.content.decode()
    assert not Score.objects.exists()


# --- Finishing and the results --------------------------------------------------


def test_finish_page_is_the_organisers_and_a_404_for_others(client):
    contest = make.contest(phase="over")
    url = reverse("contests:finish", args=[contest.slug])
    judge = _judged(contest)

    for user in (make.teacher(), judge):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(contest.organiser)
    assert client.get(url).status_code == 200


def test_finish_page_freezes_the_results(client):
    contest = make.contest(phase="over")
    entry = make.entry(contest, score=Decimal("4"), score_count=2)
    client.force_login(contest.organiser)

    response = client.post(reverse("contests:finish", args=[contest.slug]))

    assert response.status_code == 302
    assert response["Location"] == reverse("contests:results", args=[contest.slug])
    entry.refresh_from_db()
    assert entry.result == "winner"


def test_finish_page_answers_too_early_with_400(client):
    contest = make.contest(phase="judging")
    make.entry(contest)
    client.force_login(contest.organiser)

    response = client.post(reverse("contests:finish", args=[contest.slug]))

    assert response.status_code == 400
    contest.refresh_from_db()
    assert contest.status == Contest.Status.PUBLISHED


def test_results_page_is_a_404_until_the_results_are_frozen(client):
    contest = make.contest(phase="over")

    assert (
        client.get(reverse("contests:results", args=[contest.slug])).status_code == 404
    )


def test_results_page_names_the_places_and_authors_within_the_budget(
    client, django_assert_max_num_queries
):
    contest = make.contest(phase="over", nominations=2)
    first, second = contest.nominations.order_by("position")
    holder = make.teacher()
    make.entry(contest, holder, nomination=first, score=Decimal("4.9"), title="Лучшая")
    for n in range(ROWS):
        make.entry(
            contest,
            make.teacher(),
            make.teacher(),
            nomination=first if n % 2 else second,
            score=Decimal(n % 5),
            score_count=2,
        )
    Score.objects.create(
        entry=Entry.objects.get(title="Лучшая"),
        judge=make.expert(),
        marks=make.marks(5, 5),
        total=Decimal("5"),
        comment="Блестяще.",
    )
    results.contest_finish(contest=contest, actor=contest.organiser)
    results.diplomas_issue(contest_id=contest.pk)
    client.force_login(holder)

    with (
        django_assert_max_num_queries(BUDGET),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.get(reverse("contests:results", args=[contest.slug]))

    assert response.status_code == 200
    _no_writes(captured)
    page = response.content.decode()
    assert "Лучшая" in page
    assert holder.profile.shown_name in page
    assert "Блестяще." in page
    diploma = holder.contest_diplomas.get()
    assert reverse("contests:diploma_pdf", args=[diploma.pk]) in page
