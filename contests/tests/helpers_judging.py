"""Contests, entries and experts for the jury's, the results' and the
diplomas' tests.

Contests and entries are written with the ORM as the contests' services
leave them (announced, entries submitted with their authors), so that these
tests hold the jury's rules and not the organiser's.
"""

import datetime
import itertools

from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import Subject
from contests.models import Contest, Entry, Nomination

_numbers = itertools.count(1)
DAY = datetime.timedelta(days=1)
CRITERIA = [
    {"key": "idea", "title": "Идея и новизна"},
    {"key": "craft", "title": "Методическая проработка"},
]

# Where "now" falls: entries open, judging under way, judging ended.
PHASES = {
    "entries": (-5, 5, 15),
    "judging": (-20, -1, 10),
    "over": (-30, -20, -1),
    "draft": (5, 15, 25),
}


def subject(slug: str = "mathematics") -> Subject:
    return Subject.objects.get(slug=slug)


def teacher(*, school: str | None = None, subject_slug: str | None = None, **fields):
    """A member; of ``school`` when given (else a school of her own)."""
    extra = {"profile__school": school} if school is not None else {}
    user = UserFactory(**extra, **fields)
    if subject_slug:
        user.profile.subjects.set([subject(subject_slug)])
    return user


def expert(*, school: str | None = None, subject_slug: str | None = "mathematics"):
    """An expert (the Experts group) who teaches ``subject_slug``."""
    user = teacher(school=school, subject_slug=subject_slug)
    return accounts.user_grant_role(user=user, role=accounts.EXPERTS)


def contest(
    *,
    phase: str = "judging",
    organiser=None,
    subject_slug: str | None = "mathematics",
    nominations: int = 1,
    prize_places: int = 3,
    **fields,
) -> Contest:
    """An announced contest (a draft for ``phase="draft"``) with
    ``nominations`` nominations of two criteria each, its dates placing now
    in ``phase``."""
    number = next(_numbers)
    opens, closes, judged = PHASES[phase]
    now = timezone.now()
    draft = phase == "draft"
    values = {
        "title": f"Лучший урок № {number}",
        "slug": f"luchshij-urok-{number}",
        "summary": "Открытый конкурс уроков.",
        "rules": "Присылайте **уроки**.",
        "rules_html": "<p>Присылайте <strong>уроки</strong>.</p>",
        "organiser": organiser or teacher(),
        "subject": subject(subject_slug) if subject_slug else None,
        "submissions_open_at": now + opens * DAY,
        "submissions_close_at": now + closes * DAY,
        "judging_close_at": now + judged * DAY,
        "status": Contest.Status.DRAFT if draft else Contest.Status.PUBLISHED,
        "published_at": None if draft else now + opens * DAY,
    }
    values.update(fields)
    made = Contest.objects.create(**values)
    for position in range(nominations):
        Nomination.objects.create(
            contest=made,
            position=position,
            title=f"Номинация {position + 1}",
            criteria=CRITERIA,
            prize_places=prize_places,
        )
    return made


def entry(made: Contest, *authors, nomination=None, **fields) -> Entry:
    """A submitted entry by ``authors`` (a new teacher when none)."""
    authors = authors or (teacher(),)
    number = next(_numbers)
    values = {
        "contest": made,
        "nomination": nomination or made.nominations.order_by("position").first(),
        "submitted_by": authors[0],
        "title": f"Урок-исследование № {number}",
        "text": "Ход урока.",
        "text_html": "<p>Ход урока.</p>",
    }
    values.update(fields)
    made_entry = Entry.objects.create(**values)
    made_entry.authors.set(authors)
    Contest.objects.filter(pk=made.pk).update(entry_count=made.entries.count())
    return made_entry


def marks(idea: int = 4, craft: int = 4) -> dict[str, int]:
    return {"idea": idea, "craft": craft}
