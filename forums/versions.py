"""A topic's version: what the kept pages of its posts are checked against.

``fragments`` keeps a topic page's rendered posts under the topic's version;
``changes`` moves it on with everything else a change to the topic's posts
moves. Both take the key from here, so the write side never imports the
rendering (and the rendering never imports the write side).
"""

TOPIC_VERSION_KEY = "forums:topic-version:{}"


def topic_pages(topic_id: int) -> str:
    """The generation of a topic's kept posts (``fragments.topic_posts``)."""
    return TOPIC_VERSION_KEY.format(topic_id)


SECTION_PAGES_KEY = "forums:section-pages:{}"


def section_pages(slug: str) -> str:
    """The generation of a section's visitors' pages (``views.section_detail``,
    kept under it by ``changes.section_kept_under``)."""
    return SECTION_PAGES_KEY.format(slug)


FORUM_INDEX_KEY = "forums:index-pages"


def forum_index_pages() -> str:
    """The generation of the forums' index for visitors (``views.index``):
    the sections' cards and their counters."""
    return FORUM_INDEX_KEY
