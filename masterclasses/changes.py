"""What follows a write in master-classes: the one place that says it.

The master-classes' services call these after they change a master-class or
its registrations, inside their transaction, and never the caches, the index
or the feed directly (``masterclasses/tests/test_changes.py``). What a
master-class feeds:

- **the search index**: its entry while it is published or finished and not
  hidden (``search_documents``), for those it is for (its ``audience``),
  with the counts kept of search results;
- **visitors' cached pages** (``community.pagecache``): the list, the month,
  its page, the tag pages and the home page, which show its title, cover,
  seats left and waitlist, recording and materials, its status;
- **members' kept cards and page** (``list_fragments``): its card in the
  list and what its page shows beside the member's own state (hosts, subject
  and grades, cover, description, tags, materials, recording), kept under
  its own version (``masterclass_kept_under``), which every function here
  that changes what they show moves; its hosts' names and pictures are their
  cards' (``community.cards``, moved by the accounts' change functions);
- **the activity feed**: its entry while it is published or finished, not
  hidden and for everyone (a feed anyone reads: ``community.audience.public``).

- **members' evidence of growth** (``community.attainments``): the
  certificates of participation she holds, the master-classes she hosted
  (``masterclasses.attainments``), told when one is finished, hidden or
  shown again, read by others, or edited (its title, times, co-hosts).

The members' notifications move their own unread counts (``community.notify``);
certificates and badges are the community layer's to move.
"""

from collections.abc import Iterable
from itertools import chain

from community import services as community
from community.attainments import attainments_changed
from community.audience import Audience
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, moved
from community.evidence import ATTENDED, evidence_record
from community.search import search_index, search_index_many
from masterclasses import attainments, kinds
from masterclasses.models import MasterClass

# The states in which a master-class is public (unless hidden).
_PUBLIC = (MasterClass.Status.PUBLISHED, MasterClass.Status.FINISHED)
# The version of a master-class's kept card and page (``list_fragments``).
KEPT_KEY = "masterclasses:kept:{}"


def masterclass_kept_under(pk: int) -> str:
    """The generation a master-class's kept card and page
    (``list_fragments``) are kept under: moved by every function here that
    changes what they show."""
    return KEPT_KEY.format(pk)


def masterclass_changed(masterclass: MasterClass) -> None:
    """A master-class was written, edited, proposed or returned: its search
    entry (gone while it is not public), the search counts and visitors'
    pages."""
    search_index(masterclass)
    moved(SEARCH_COUNTS, PUBLIC_PAGES, masterclass_kept_under(masterclass.pk))


def masterclass_finished_edited(
    masterclass: MasterClass, *, cohosts_before: Iterable[int] = ()
) -> None:
    """A finished master-class was edited by a moderator (its title, times
    or co-hosts are what her evidence says): ``masterclass_changed``, and
    the evidence of its hosts and participants, with ``cohosts_before`` (one
    taken off no longer hosted it)."""
    masterclass_changed(masterclass)
    attainments_changed(chain(cohosts_before, attainments.concerned(masterclass)))


def _feed_follows(masterclass: MasterClass) -> None:
    # Its feed entry: there while it is public and for everyone, gone otherwise.
    if (
        masterclass.status in _PUBLIC
        and not masterclass.is_hidden
        and masterclass.audience == Audience.EVERYONE
    ):
        community.activity_record(
            actor=masterclass.host,
            kind=kinds.MASTERCLASS_ACTIVITY,
            target=masterclass,
            title=masterclass.title,
            url=masterclass.get_absolute_url(),
            subjects=[masterclass.subject],
        )
    else:
        community.activity_remove(kind=kinds.MASTERCLASS_ACTIVITY, target=masterclass)


def masterclass_visibility_changed(masterclass: MasterClass) -> None:
    """A master-class became public or stopped being (published, cancelled,
    hidden, shown again): its feed entry follows it — there while it is
    published or finished, not hidden and for everyone, gone otherwise —
    then ``masterclass_changed``; a finished one's hosts and participants
    (their evidence: it counts only while it is not hidden)."""
    _feed_follows(masterclass)
    masterclass_changed(masterclass)
    attainments_changed(attainments.concerned(masterclass))


def masterclasses_audience_changed(masterclasses: Iterable[MasterClass]) -> None:
    """Who may read these meetings changed (their community opened, hid,
    became members-only): their search entries (a community has few
    meetings: indexed again in one batch), their feed entries, the search
    counts and visitors' pages; the evidence of the finished ones' hosts
    and participants."""
    masterclasses = list(masterclasses)
    if not masterclasses:
        return
    for masterclass in masterclasses:
        _feed_follows(masterclass)
    search_index_many(masterclasses)
    moved(
        SEARCH_COUNTS,
        PUBLIC_PAGES,
        *(masterclass_kept_under(item.pk) for item in masterclasses),
    )
    # The finished ones' evidence: linked only while everyone may read it.
    attainments_changed(
        chain.from_iterable(attainments.concerned(item) for item in masterclasses)
    )


def registrations_changed(masterclass: MasterClass) -> None:
    """Someone took a seat, gave one back or joined the waitlist (and the
    waiting moved in): the seats left and the waiting on visitors' pages and
    its kept card and page. The index holds no counts."""
    moved(PUBLIC_PAGES, masterclass_kept_under(masterclass.pk))


def attendance_changed(registration) -> None:
    """A participant checked in or the host marked who came: other apps hear
    of an attendance (``community.evidence``: a course's master-class unit is
    done by it); a mark taken back is not told, a unit done stays done."""
    if registration.attended:
        evidence_record(ATTENDED, [(registration.user_id, registration.masterclass_id)])


def masterclass_shown_changed(masterclass: MasterClass) -> None:
    """What its pages show beside the searched text changed — its cover, its
    recording and materials, its being over (finished, certificates issued
    for the portfolios): visitors' pages and its kept card and page. The
    index holds none of these."""
    moved(PUBLIC_PAGES, masterclass_kept_under(masterclass.pk))


def masterclass_finished(masterclass: MasterClass) -> None:
    """It was finished and its certificates issued (a second run issues
    what is missing): ``masterclass_shown_changed``, and the evidence of its
    hosts and of those who hold a certificate of it."""
    masterclass_shown_changed(masterclass)
    attainments_changed(attainments.concerned(masterclass))
