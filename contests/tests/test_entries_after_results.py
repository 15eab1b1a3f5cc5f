"""A disqualification after the results (plagiarism found later): the
results stay frozen — no entry's place, result or public votes change —
while the reason is kept, the authors are told, it is on record and the
entry's diplomas verify as revoked; taking it back restores the diplomas
and changes no place either."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from community.models import AuditEntry, Notification
from contests import certificates, kinds
from contests.models import Contest, Diploma, Entry, PublicVote
from contests.services import entries as services
from contests.services import results
from contests.tests import helpers_judging as make

pytestmark = pytest.mark.django_db


def _finished() -> tuple[Contest, list[Entry]]:
    """A contest with its results frozen and diplomas issued: a winner by
    two authors with a public vote, a prize-winner, a participant."""
    contest = make.contest(phase="over", public_vote=True)
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
    PublicVote.objects.create(
        nomination=entries[0].nomination, entry=entries[0], voter=make.teacher()
    )
    Entry.objects.filter(pk=entries[0].pk).update(vote_count=1)
    results.contest_finish(contest=contest, actor=contest.organiser)
    results.diplomas_issue(contest_id=contest.pk)
    return contest, entries


def _standings(contest: Contest) -> dict[int, tuple]:
    return {
        pk: (place, result, vote_count)
        for pk, place, result, vote_count in Entry.objects.filter(
            contest=contest
        ).values_list("pk", "place", "result", "vote_count")
    }


def test_a_disqualification_after_the_results_changes_no_place_or_result():
    contest, (winner, *_rest) = _finished()
    frozen = _standings(contest)
    assert frozen[winner.pk] == (1, Entry.Result.WINNER, 1)

    services.entry_disqualify(
        entry=winner, actor=contest.organiser, reason="Урок списан из сети."
    )

    assert _standings(contest) == frozen
    assert PublicVote.objects.filter(entry=winner).count() == 1
    entry = Entry.objects.get(pk=winner.pk)
    assert entry.status == Entry.Status.DISQUALIFIED
    assert entry.disqualified_reason == "Урок списан из сети."
    assert entry.disqualified_by == contest.organiser
    assert Contest.objects.get(pk=contest.pk).status == Contest.Status.FINISHED


def test_a_disqualification_after_the_results_tells_the_authors_and_is_on_record():
    _contest, (winner, *_rest) = _finished()
    moderator = make.teacher(is_staff=True)

    services.entry_disqualify(entry=winner, actor=moderator, reason="Плагиат.")

    told = Notification.objects.filter(kind=kinds.DISQUALIFIED)
    assert {notice.recipient_id for notice in told} == set(
        winner.authors.values_list("pk", flat=True)
    )
    assert AuditEntry.objects.filter(
        action="entry_disqualified", actor=moderator, reason="Плагиат."
    ).exists()


def test_a_diploma_of_an_entry_disqualified_after_the_results_verifies_as_revoked():
    contest, (winner, prize, _participant) = _finished()

    services.entry_disqualify(entry=winner, actor=contest.organiser, reason="Плагиат.")

    for diploma in Diploma.objects.filter(entry=winner):
        assert certificates.diploma_verified(diploma.code).revoked
    kept = Diploma.objects.get(entry=prize)
    assert not certificates.diploma_verified(kept.code).revoked


def test_taking_back_a_disqualification_after_the_results_restores_the_diplomas():
    contest, (winner, *_rest) = _finished()
    frozen = _standings(contest)
    services.entry_disqualify(entry=winner, actor=contest.organiser, reason="Ошибка.")

    services.entry_reinstate(entry=winner, actor=contest.organiser)

    assert _standings(contest) == frozen
    assert Entry.objects.get(pk=winner.pk).status == Entry.Status.SUBMITTED
    diploma = Diploma.objects.filter(entry=winner).first()
    assert not certificates.diploma_verified(diploma.code).revoked
    assert AuditEntry.objects.filter(action="entry_reinstated").exists()


def test_an_entry_disqualified_before_the_results_is_not_reinstated_after_them():
    contest = make.contest(phase="over")
    dropped = make.entry(contest, status="disqualified", disqualified_reason="Плагиат.")
    make.entry(contest, score=Decimal("4.00"), score_count=2)
    results.contest_finish(contest=contest, actor=contest.organiser)

    with pytest.raises(PermissionDenied):
        services.entry_reinstate(entry=dropped, actor=contest.organiser)

    assert Entry.objects.get(pk=dropped.pk).status == Entry.Status.DISQUALIFIED


def test_only_the_organiser_and_moderators_disqualify_after_the_results():
    _contest, (winner, *_rest) = _finished()

    with pytest.raises(PermissionDenied):
        services.entry_disqualify(entry=winner, actor=make.teacher(), reason="Так.")
    with pytest.raises(PermissionDenied):
        services.entry_disqualify(
            entry=winner, actor=winner.authors.first(), reason="Так."
        )

    assert Entry.objects.get(pk=winner.pk).status == Entry.Status.SUBMITTED


def test_the_entry_page_offers_the_organiser_to_disqualify_after_the_results(client):
    contest, (winner, *_rest) = _finished()
    client.force_login(contest.organiser)

    page = client.get(winner.get_absolute_url()).content.decode()

    assert reverse("contests:entry_disqualify", args=[contest.slug, winner.pk]) in page
