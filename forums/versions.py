"""A topic's version: what the kept pages of its posts are checked against.

``fragments`` keeps a topic page's rendered posts under the topic's version;
the services move it on when they change something those pages show. Both
import it from here, so the services need not import the rendering (and the
rendering never imports the services).
"""

from community.generations import generation_bump

TOPIC_VERSION_KEY = "forums:topic-version:{}"


def topic_changed(*topic_ids: int) -> None:
    """Something a topic's pages show of its posts changed: they are built
    again. Called by the services, inside their transaction."""
    for pk in topic_ids:
        generation_bump(TOPIC_VERSION_KEY.format(pk))
