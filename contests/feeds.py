"""Open contests as RSS (``/contests/feed/``) and Atom
(``/contests/feed/atom/``): announced, not hidden, taking entries now or
soon."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.excerpts import EXCERPT_LENGTH, shorten
from community.feeds import FEED_ITEMS, EntryFeed, FeedEntry
from contests import selectors_public
from contests.models import Contest


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j E Y")


def contest_entry(contest: Contest) -> FeedEntry:
    """Reads what ``selectors_public`` loaded: no query.

    The description starts with the window for entries (in the site's time
    zone), then the summary as the organiser wrote it (plain text)."""
    head = _("Entries from %(start)s to %(end)s") % {
        "start": _day(contest.submissions_open_at),
        "end": _day(contest.submissions_close_at),
    }
    head += " — "
    organiser = (
        contest.community.name
        if contest.community_id
        else contest.organiser.profile.shown_name
    )
    return FeedEntry(
        title=contest.title,
        url=contest.get_absolute_url(),
        description=head + shorten(contest.summary, EXCERPT_LENGTH - len(head)),
        author_name=organiser,
        # An announced contest has the date.
        published_at=contest.published_at or contest.created_at,
        updated_at=contest.updated_at,
        categories=[contest.subject.name] if contest.subject_id else [],
    )


class OpenContestFeed(EntryFeed):
    """``/contests/feed/``: the open contests, the latest announced first
    (``OpenContestFeed(atom=True)`` gives the same as Atom)."""

    def title(self) -> str:
        return _("Open contests on Kollegi")

    def description(self) -> str:
        return _("Contests for teachers taking entries now or soon, judged by experts.")

    def link(self) -> str:
        return reverse("contests:index")

    def entries(self, obj) -> list[FeedEntry]:
        contests = selectors_public.contests_open_newest(limit=FEED_ITEMS)
        return [contest_entry(contest) for contest in contests]
