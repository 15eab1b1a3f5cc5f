"""Every write in the forums: topics, posts, answers, reactions, reading, moderation.

One module per concern; each lists its public services in ``__all__``:
``topics`` (opening, moderating, moving, merging and splitting topics;
sections), ``posts`` (replies, pre-moderation, editing, removing, hiding, the
accepted answer, reactions), ``fanout`` (who hears about a published post,
after commit), ``reading`` (read positions, views), ``watching`` (topics,
sections and tags watched) and ``groups`` (a community's section).
``_publish`` (what a public post changes at once) and ``_common`` (the
checks before a write, the moderation log) are theirs.
The notification kinds are in ``forums.kinds``; a topic's version, which the
services move on, in ``forums.versions``.
"""

from forums.services import fanout, groups, posts, reading, topics, watching
from forums.services._common import DOUBLE_SUBMIT_WINDOW
from forums.services.fanout import *  # noqa: F403
from forums.services.fanout import FANOUT_DELAY, MENTION
from forums.services.groups import *  # noqa: F403
from forums.services.posts import *  # noqa: F403
from forums.services.reading import *  # noqa: F403
from forums.services.topics import *  # noqa: F403
from forums.services.watching import *  # noqa: F403

__all__ = [
    "DOUBLE_SUBMIT_WINDOW",
    "FANOUT_DELAY",
    "MENTION",
    *fanout.__all__,
    *groups.__all__,
    *posts.__all__,
    *reading.__all__,
    *topics.__all__,
    *watching.__all__,
]
