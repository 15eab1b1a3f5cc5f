"""Entries, branch by branch: submitting a text or a material by one or
several authors, the window, the new members' limit, editing and
withdrawing, disqualification with the reason its authors see,
reinstatement, hiding; who sees an entry and who sees its authors (blind
until the results)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import AuditEntry, Notification
from contests import kinds
from contests.models import Contest, Entry, Judge, PublicVote
from contests.permissions import can_see_authors, can_see_entry
from contests.services import entries as services
from contests.tests.helpers_contests import (
    contest_draft,
    contest_open,
    entry_of,
    expert,
    finished,
    moderator,
    moved_to,
    veteran,
)
from materials.models import Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


def _fresh(entry: Entry) -> Entry:
    return Entry.objects.select_related("contest").get(pk=entry.pk)


# --- Submitting ------------------------------------------------------------------


def test_a_text_entry_is_rendered_counted_and_told_to_the_organiser():
    contest = contest_open()
    author = UserFactory()

    entry = entry_of(contest, author=author, text="Ход урока: **игра**.")

    assert entry.status == Entry.Status.SUBMITTED
    assert entry.text_html == "<p>Ход урока: <strong>игра</strong>.</p>"
    assert list(entry.authors.all()) == [author]
    assert Contest.objects.get(pk=contest.pk).entry_count == 1
    told = Notification.objects.get(kind=kinds.ENTRY_SUBMITTED)
    assert told.recipient_id == contest.organiser_id
    assert told.url == entry.get_absolute_url()


def test_an_entry_by_several_authors_counts_each_once():
    contest = contest_open()
    author, colleague = UserFactory(), UserFactory()

    entry = entry_of(contest, author=author, coauthors=[colleague, author, colleague])

    assert set(entry.authors.all()) == {author, colleague}


def test_an_entry_has_at_most_ten_active_authors():
    contest = contest_open()
    inactive = UserFactory(is_active=False)

    with pytest.raises(ValidationError) as too_many:
        entry_of(contest, coauthors=[UserFactory() for _ in range(10)])
    with pytest.raises(ValidationError) as not_active:
        entry_of(contest, coauthors=[inactive])

    assert too_many.value.code == "too_many"
    assert not_active.value.code == "inactive"


def test_the_organiser_enters_no_entry_of_her_own_contest():
    contest = contest_open()

    with pytest.raises(PermissionDenied):
        entry_of(contest, author=contest.organiser)
    with pytest.raises(ValidationError) as as_coauthor:
        entry_of(contest, coauthors=[contest.organiser])

    assert as_coauthor.value.code == "organiser"


def test_a_material_of_one_of_the_authors_is_entered():
    contest = contest_open()
    author, colleague = UserFactory(), UserFactory()
    material = MaterialFactory(author=colleague)

    entry = entry_of(
        contest, author=author, coauthors=[colleague], material=material, text=""
    )

    assert entry.material == material
    assert entry.text_html == ""


def test_a_material_coauthored_by_the_submitter_is_hers_to_enter():
    contest = contest_open()
    author = UserFactory()
    material = MaterialFactory()
    material.coauthors.add(author)

    entry = entry_of(contest, author=author, material=material, text="")

    assert entry.material == material


@pytest.mark.parametrize("case", ["someone_elses", "draft", "hidden"])
def test_a_material_must_be_the_authors_published_and_shown(case):
    contest = contest_open()
    author = UserFactory()
    material = MaterialFactory(
        author=UserFactory() if case == "someone_elses" else author
    )
    if case == "draft":
        Material.objects.filter(pk=material.pk).update(status=Material.Status.DRAFT)
    if case == "hidden":
        Material.objects.filter(pk=material.pk).update(is_hidden=True)
    material.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        entry_of(contest, author=author, material=material, text="")

    assert "material" in caught.value.error_dict


def test_a_material_is_entered_once_per_contest():
    contest = contest_open()
    author = UserFactory()
    material = MaterialFactory(author=author)
    entry_of(contest, author=author, material=material, text="")

    with pytest.raises(ValidationError) as caught:
        entry_of(contest, author=author, material=material, text="", title="Снова")

    assert "material" in caught.value.error_dict


def test_an_entry_needs_a_title_and_a_text_or_a_material():
    contest = contest_open()

    with pytest.raises(ValidationError) as caught:
        entry_of(contest, title="  ", text=" ")

    assert set(caught.value.error_dict) == {"title", "text"}


def test_the_nomination_must_be_the_contests():
    contest = contest_open()
    other = contest_open(title="Другой конкурс")

    with pytest.raises(ValidationError) as caught:
        entry_of(contest, nomination=other.nominations.get())

    assert "nomination" in caught.value.error_dict


@pytest.mark.parametrize("phase", ["upcoming", "judging", "over"])
def test_entries_come_only_while_the_window_is_open(phase):
    contest = moved_to(contest_open(), phase)

    with pytest.raises(ValidationError) as caught:
        entry_of(contest)

    assert caught.value.code == "closed"


def test_a_draft_or_hidden_contest_takes_no_entries():
    draft = contest_draft()
    hidden = contest_open(title="Скрытый")
    Contest.objects.filter(pk=hidden.pk).update(is_hidden=True)

    for contest in (draft, hidden):
        with pytest.raises(ValidationError) as caught:
            entry_of(contest)
        assert caught.value.code == "closed"


def test_a_new_member_submits_only_so_many_entries_an_hour(settings):
    settings.MODERATION_NEW_MEMBER_PER_HOUR = {
        **settings.MODERATION_NEW_MEMBER_PER_HOUR,
        "contest_entries": 1,
    }
    contest = contest_open()
    newcomer = UserFactory()
    entry_of(contest, author=newcomer)

    with pytest.raises(ValidationError) as caught:
        entry_of(contest, author=newcomer, title="Вторая")

    assert caught.value.code == "rate"


def test_a_restricted_member_submits_nothing():
    from community.standing import ParticipationRestricted

    contest = contest_open()
    member = UserFactory(restricted_until=timezone.now() + datetime.timedelta(days=2))

    with pytest.raises(ParticipationRestricted):
        entry_of(contest, author=member)


# --- Editing and withdrawing -----------------------------------------------------


def test_an_author_edits_while_entries_are_open_and_the_submitter_sets_coauthors():
    contest = contest_open()
    author, colleague, newcomer = UserFactory(), UserFactory(), UserFactory()
    entry = entry_of(contest, author=author, coauthors=[colleague])

    services.entry_update(entry=entry, editor=colleague, text="Новый **план**")
    with pytest.raises(PermissionDenied):
        services.entry_update(entry=entry, editor=colleague, coauthors=[newcomer])
    services.entry_update(entry=entry, editor=author, coauthors=[newcomer])

    entry = _fresh(entry)
    assert entry.text_html == "<p>Новый <strong>план</strong></p>"
    assert set(entry.authors.all()) == {author, newcomer}


def test_nobody_else_edits_and_nobody_after_entries_close():
    contest = contest_open()
    entry = entry_of(contest)

    with pytest.raises(PermissionDenied):
        services.entry_update(entry=entry, editor=UserFactory(), title="Чужая")
    moved_to(contest, "judging")
    with pytest.raises(ValidationError) as caught:
        services.entry_update(entry=entry, editor=entry.submitted_by, title="Поздно")

    assert caught.value.code == "closed"


def test_withdrawing_leaves_the_count_and_only_while_entries_are_open():
    contest = contest_open()
    entry = entry_of(contest)
    late = entry_of(contest, title="Поздняя")

    with pytest.raises(PermissionDenied):
        services.entry_withdraw(entry=entry, actor=UserFactory())
    services.entry_withdraw(entry=entry, actor=entry.submitted_by)
    with pytest.raises(ValidationError) as twice:
        services.entry_withdraw(entry=entry, actor=entry.submitted_by)
    moved_to(contest, "judging")
    with pytest.raises(ValidationError) as closed:
        services.entry_withdraw(entry=late, actor=late.submitted_by)

    assert _fresh(entry).status == Entry.Status.WITHDRAWN
    assert Contest.objects.get(pk=contest.pk).entry_count == 1
    assert twice.value.code == "status"
    assert closed.value.code == "closed"


# --- Disqualification ------------------------------------------------------------


def test_a_disqualification_needs_a_reason_tells_the_authors_and_is_on_record():
    contest = contest_open()
    author, colleague = UserFactory(), UserFactory()
    entry = entry_of(contest, author=author, coauthors=[colleague])

    with pytest.raises(ValidationError) as caught:
        services.entry_disqualify(entry=entry, actor=contest.organiser, reason=" ")
    services.entry_disqualify(
        entry=entry, actor=contest.organiser, reason="Работа списана из сети"
    )

    assert "reason" in caught.value.error_dict
    entry = _fresh(entry)
    assert entry.status == Entry.Status.DISQUALIFIED
    assert entry.disqualified_reason == "Работа списана из сети"
    assert entry.disqualified_by == contest.organiser
    assert Contest.objects.get(pk=contest.pk).entry_count == 0
    told = Notification.objects.filter(kind=kinds.DISQUALIFIED)
    assert set(told.values_list("recipient_id", flat=True)) == {author.pk, colleague.pk}
    assert AuditEntry.objects.filter(
        action="entry_disqualified", reason="Работа списана из сети"
    ).exists()


def test_only_the_organiser_and_moderators_disqualify():
    # After the results too: test_entries_after_results.
    contest = contest_open()
    entry = entry_of(contest)

    with pytest.raises(PermissionDenied):
        services.entry_disqualify(entry=entry, actor=UserFactory(), reason="Так")
    with pytest.raises(PermissionDenied):
        services.entry_disqualify(
            entry=entry, actor=entry.authors.first(), reason="Так"
        )


def test_a_disqualified_entrys_public_votes_are_taken_back():
    contest = moved_to(contest_open(public_vote=True), "open")
    entry = entry_of(contest)
    moved_to(contest, "judging")
    voter = veteran()
    services.public_vote_cast(entry=entry, voter=voter)

    services.entry_disqualify(entry=entry, actor=moderator(), reason="Плагиат")

    assert not PublicVote.objects.filter(voter=voter).exists()
    assert _fresh(entry).vote_count == 0


def test_a_disqualification_is_taken_back_on_record():
    contest = contest_open()
    entry = entry_of(contest)
    services.entry_disqualify(entry=entry, actor=contest.organiser, reason="Ошибка")

    services.entry_reinstate(entry=entry, actor=contest.organiser)

    entry = _fresh(entry)
    assert entry.status == Entry.Status.SUBMITTED
    assert entry.disqualified_reason == ""
    assert Contest.objects.get(pk=contest.pk).entry_count == 1
    assert AuditEntry.objects.filter(action="entry_reinstated").exists()
    with pytest.raises(PermissionDenied):
        services.entry_reinstate(entry=entry, actor=contest.organiser)


# --- Hiding ----------------------------------------------------------------------


def test_a_moderator_hides_an_entry_on_record_and_reports_hide_it_too():
    contest = contest_open()
    entry = entry_of(contest)
    other = entry_of(contest, title="Другая")

    with pytest.raises(PermissionDenied):
        services.entry_hide(entry=entry, moderator=UserFactory())
    services.entry_hide(entry=entry, moderator=moderator(), reason="Реклама")
    services.entry_hide_by_reports(entry=other)

    assert _fresh(entry).is_hidden
    assert _fresh(other).is_hidden
    assert AuditEntry.objects.filter(action="entry_hide").count() == 2
    assert not can_see_entry(UserFactory(), _fresh(entry))
    assert can_see_entry(entry.submitted_by, _fresh(entry))


def test_deadline_reminders_remind_nobody():
    assert services.entry_deadlines_run() == 0


# --- Who sees the entry and its authors ------------------------------------------


def test_a_withdrawn_entry_is_seen_by_its_authors_and_the_organiser_only():
    contest = contest_open()
    entry = entry_of(contest)
    services.entry_withdraw(entry=entry, actor=entry.submitted_by)
    entry = _fresh(entry)

    assert can_see_entry(entry.submitted_by, entry)
    assert can_see_entry(contest.organiser, entry)
    assert can_see_entry(moderator(), entry)
    assert not can_see_entry(UserFactory(), entry)
    assert not can_see_entry(AnonymousUser(), entry)


def test_before_the_results_authors_are_seen_by_authors_organiser_moderators():
    contest = contest_open()
    author, colleague = UserFactory(), UserFactory()
    entry = _fresh(entry_of(contest, author=author, coauthors=[colleague]))

    assert can_see_authors(author, entry)
    assert can_see_authors(colleague, entry)
    assert can_see_authors(contest.organiser, entry)
    assert can_see_authors(moderator(), entry)
    assert not can_see_authors(UserFactory(), entry)
    assert not can_see_authors(AnonymousUser(), entry)


def test_a_judge_never_sees_the_authors_before_the_results_even_as_a_moderator():
    contest = contest_open()
    entry = _fresh(entry_of(contest))
    judge = expert()
    judging_moderator = moderator()
    for user in (judge, judging_moderator):
        Judge.objects.create(contest=contest, user=user)

    assert not can_see_authors(judge, entry)
    assert not can_see_authors(judging_moderator, _fresh(entry))


def test_after_the_results_everyone_sees_the_authors():
    contest = contest_open()
    entry = entry_of(contest)
    judge = expert()
    Judge.objects.create(contest=contest, user=judge)
    finished(contest)
    entry = _fresh(entry)

    assert can_see_authors(AnonymousUser(), entry)
    assert can_see_authors(judge, entry)
