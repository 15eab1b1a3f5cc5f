"""Contests and entries made as their organisers and authors make them
(through the services), for the contests', entries' and public vote's
tests. A contest is made taking entries and then moved on in time by
shifting its dates (``contest_to_judging``, ``contest_finished``), as the
clock would."""

import datetime

from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import Subject
from contests.models import Contest, Entry
from contests.services import contests as contest_services
from contests.services import entries as entry_services

DAY = datetime.timedelta(days=1)
RUBRIC = ["Идея и новизна", "Методическая ценность", "Оформление"]


def subject(slug: str = "mathematics") -> Subject:
    return Subject.objects.get(slug=slug)


def moderator():
    return accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)


def expert(subject_slug: str = "mathematics", school: str = ""):
    user = UserFactory()
    user.profile.subjects.set([subject(subject_slug)])
    if school:
        user.profile.school = school
        user.profile.save()
    return accounts.user_grant_role(user=user, role=accounts.EXPERTS)


def veteran(days: int = 60, **fields):
    """A member of Kollegi for ``days`` days (past the public vote's wait)."""
    return UserFactory(
        date_joined=timezone.now() - datetime.timedelta(days=days), **fields
    )


def teacher_of(slug: str = "mathematics"):
    user = UserFactory()
    user.profile.subjects.set([subject(slug)])
    return user


def window(phase: str = "open") -> dict:
    """The three dates of a contest in ``phase``: "upcoming", "open" (taking
    entries), "judging", "over" (judging ended)."""
    now = timezone.now().replace(microsecond=0)
    starts = {
        "upcoming": now + 2 * DAY,
        "open": now - DAY,
        "judging": now - 10 * DAY,
        "over": now - 20 * DAY,
    }[phase]
    closes = starts + 7 * DAY
    return {
        "submissions_open_at": starts,
        "submissions_close_at": closes,
        "judging_close_at": closes + 7 * DAY,
    }


def nomination_data(title: str = "Лучший урок", **fields) -> dict:
    values = {"title": title, "criteria": list(RUBRIC), "prize_places": 3}
    values.update(fields)
    return values


def contest_draft(organiser=None, nominations=None, **fields) -> Contest:
    """A draft contest in mathematics taking entries now (once announced),
    with one nomination, by a new moderator unless given."""
    values = {
        "title": "Урок, который запомнится",
        "summary": "Конкурс открытых уроков для учителей математики.",
        "rules": "Пришлите **конспект** урока или материал из библиотеки.",
        "subject": subject(),
        **window("open"),
    }
    values.update(fields)
    return contest_services.contest_create(
        organiser=organiser or moderator(),
        nominations=nominations or [nomination_data()],
        **values,
    )


def contest_open(organiser=None, **fields) -> Contest:
    """An announced contest taking entries now."""
    contest = contest_draft(organiser=organiser, **fields)
    return contest_services.contest_publish(contest=contest, actor=contest.organiser)


def moved_to(contest: Contest, phase: str) -> Contest:
    """The contest's dates shifted so that it is in ``phase`` now."""
    Contest.objects.filter(pk=contest.pk).update(**window(phase))
    contest.refresh_from_db()
    return contest


def finished(contest: Contest, **fields) -> Contest:
    """The contest's results frozen, as the jury's service leaves it (the
    places given here by hand: ``fields`` per entry pk are not needed by the
    contests' own tests)."""
    Contest.objects.filter(pk=contest.pk).update(
        status=Contest.Status.FINISHED, finished_at=timezone.now(), **fields
    )
    contest.refresh_from_db()
    return contest


def entry_of(contest: Contest, author=None, nomination=None, **fields) -> Entry:
    """A text entry, by a new member unless given, in the first nomination."""
    values = {"title": "Дроби на шоколадке", "text": "План урока: **дроби**."}
    values.update(fields)
    return entry_services.entry_submit(
        contest=contest,
        nomination=nomination or contest.nominations.order_by("position").first(),
        submitter=author or UserFactory(),
        **values,
    )
