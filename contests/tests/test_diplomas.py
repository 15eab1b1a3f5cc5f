"""Diplomas: issued once per entry and author (a retry or a race answers
once), kept as issued, downloaded as PDF by their holder only, verified at
``/certificates/<code>/``."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from community.models import Notification
from community.tests.races import needs_postgresql, together
from contests import certificates, kinds
from contests.models import Contest, Diploma, Entry
from contests.services import results
from contests.tests import helpers_judging as make

pytestmark = pytest.mark.django_db


def _finished(prize_places: int = 3) -> tuple[Contest, list[Entry]]:
    """A finished contest: a winner by two authors, a prize-winner and a
    participant, a disqualified entry; diplomas not issued yet."""
    contest = make.contest(phase="over", prize_places=prize_places)
    entries = [
        make.entry(contest, make.teacher(), make.teacher(), title="Победа"),
        make.entry(contest, title="Призёр"),
        make.entry(contest, title="Участник"),
    ]
    for entry, score in zip(entries, ["4.90", "4.00", None], strict=True):
        if score:
            Entry.objects.filter(pk=entry.pk).update(
                score=Decimal(score), score_count=2
            )
    make.entry(
        contest, status="disqualified", disqualified_reason="Плагиат.", title="Снята"
    )
    results.contest_finish(contest=contest, actor=contest.organiser)
    return contest, entries


def test_diplomas_issue_gives_each_author_of_a_ranked_entry_one():
    contest, (winner, prize, participant) = _finished()

    assert results.diplomas_issue(contest_id=contest.pk) == 4

    kinds_of = {
        (diploma.entry_id, diploma.holder_id): diploma.kind
        for diploma in Diploma.objects.all()
    }
    assert kinds_of == {
        **{(winner.pk, author.pk): "winner" for author in winner.authors.all()},
        (prize.pk, prize.authors.get().pk): "prize",
        (participant.pk, participant.authors.get().pk): "participant",
    }
    told = Notification.objects.filter(kind=kinds.RESULTS)
    assert sorted(notice.recipient_id for notice in told) == sorted(
        holder for _entry, holder in kinds_of
    )


def test_diploma_keeps_what_it_says_and_is_numbered_from_its_id():
    contest, (winner, *_rest) = _finished()
    results.diplomas_issue(contest_id=contest.pk)
    author = winner.authors.order_by("pk").first()

    diploma = Diploma.objects.get(entry=winner, holder=author)

    assert re.fullmatch(rf"КОНК-\d{{4}}-{diploma.pk:06d}", diploma.number)
    assert (
        diploma.holder_name,
        diploma.contest_title,
        diploma.nomination_title,
        diploma.entry_title,
        diploma.place,
    ) == (
        author.profile.shown_name,
        contest.title,
        winner.nomination.title,
        "Победа",
        1,
    )


def test_diplomas_issue_again_issues_nothing_more():
    contest, _entries = _finished()
    results.diplomas_issue(contest_id=contest.pk)

    assert results.diplomas_issue(contest_id=contest.pk) == 0
    assert Diploma.objects.count() == 4
    assert Notification.objects.filter(kind=kinds.RESULTS).count() == 4


def test_diplomas_wait_for_the_results():
    contest = make.contest(phase="over")
    make.entry(contest, result="winner", place=1)

    assert results.diplomas_issue(contest_id=contest.pk) == 0
    assert not Diploma.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_diplomas_issued_by_two_runs_at_once_are_issued_once(vocabulary):
    needs_postgresql()
    contest, _entries = _finished()
    # The finish's task issued them after its commit: issued again at once.
    Diploma.objects.all().delete()
    Notification.objects.all().delete()
    issued: list[int] = []

    raised = together(
        [
            lambda: issued.append(results.diplomas_issue(contest_id=contest.pk))
            for _ in range(4)
        ]
    )

    assert raised == [None] * 4
    assert sorted(issued) == [0, 0, 0, 4]
    assert Diploma.objects.count() == 4
    assert Notification.objects.filter(kind=kinds.RESULTS).count() == 4


# --- The PDF and the verification page ------------------------------------------------


def _diploma() -> Diploma:
    contest, (winner, *_rest) = _finished()
    results.diplomas_issue(contest_id=contest.pk)
    return Diploma.objects.filter(entry=winner).order_by("pk").first()


def test_diploma_pdf_downloads_for_its_holder(client):
    diploma = _diploma()
    client.force_login(diploma.holder)

    response = client.get(reverse("contests:diploma_pdf", args=[diploma.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_diploma_pdf_is_a_404_for_anyone_else(client):
    diploma = _diploma()
    co_author = diploma.entry.authors.exclude(pk=diploma.holder_id).get()
    url = reverse("contests:diploma_pdf", args=[diploma.pk])

    for user in (make.teacher(), co_author, diploma.entry.contest.organiser):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(diploma.holder)
    assert client.get(reverse("contests:diploma_pdf", args=[2**63])).status_code == 404


def test_diploma_sheet_says_what_was_issued():
    diploma = _diploma()

    sheet = certificates.diploma_sheet(diploma)

    assert (sheet.number, sheet.holder_name, sheet.title) == (
        diploma.number,
        diploma.holder_name,
        diploma.contest_title,
    )
    assert sheet.verify_url.endswith(f"/certificates/{diploma.code}/")
    assert diploma.entry_title in sheet.author_names[0]


def test_diploma_code_verifies_on_the_certificates_page(client):
    certificates.register()
    diploma = _diploma()

    response = client.get(reverse("certificate_verify", args=[diploma.code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert diploma.number in page
    assert diploma.holder_name in page
    assert diploma.contest_title in page
    assert diploma.entry.contest.get_absolute_url() in page


def test_diploma_of_an_entry_disqualified_later_verifies_as_revoked():
    diploma = _diploma()
    Entry.objects.filter(pk=diploma.entry_id).update(
        status="disqualified", disqualified_reason="Плагиат."
    )

    found = certificates.diploma_verified(diploma.code)

    assert found.revoked


def test_an_unknown_code_is_no_diploma():
    assert certificates.diploma_verified("no-such-code") is None
