"""What follows a write in accounts: the one place that says it.

The accounts' services (and the admin site's account form) call these after
they change a profile, a follow or a blog post, inside their transaction,
and never the caches, the index or the feed directly
(``accounts/tests/test_changes.py``). What members and their blogs feed:

- **a member's card** (``community.changes.member_card``): the name,
  picture and visibility shown beside their posts on kept topic pages;
- **the search index**: profiles and blog posts, with the counts kept of
  search results;
- **visitors' cached pages** (``community.pagecache``): profiles, the
  directory, blogs, follower counts;
- **the activity feed**: a blog post's entry while it is published and shown;
- **a blog post's kept comments** (``accounts.blog_fragments``): moved on by
  each change to what its comment list shows (``BLOG_COMMENTS_KEY``; without
  the post, ``BLOG_COMMENTS_ALL``, every post's).
"""

from collections.abc import Iterable

from django.db.models import F

from accounts.kinds import BLOG_POST_ACTIVITY
from accounts.models import BlogComment, BlogPost, Profile
from community import services as community
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, member_card, moved
from community.search import search_index, search_index_many, search_remove

# The generation of a blog post's kept comments (``blog_fragments``), and of
# every post's (moved where the change does not say which post).
BLOG_COMMENTS_KEY = "accounts:blog-comments:{}"
BLOG_COMMENTS_ALL = "accounts:blog-comments:all"


def profile_changed(profile: Profile) -> None:
    """What a profile shows colleagues changed (school, subjects, privacy,
    a new member): its search entry, the search counts and visitors' pages."""
    search_index(profile)
    moved(SEARCH_COUNTS, PUBLIC_PAGES)


def member_card_changed(user_id: int) -> None:
    """The member's name, picture or address changed: their card beside
    their posts and visitors' pages."""
    moved(member_card(user_id), PUBLIC_PAGES)


def profile_visibility_changed(profile: Profile) -> None:
    """A profile was hidden or shown again: others see only the name then.
    Their card, the search entry, the counts and visitors' pages."""
    search_index(profile)
    moved(member_card(profile.user_id), SEARCH_COUNTS, PUBLIC_PAGES)


def member_erased(profile: Profile, posts: Iterable[BlogPost]) -> None:
    """An account was deleted: the card shows a former member, the profile
    leaves search and the blog posts that stay have a new address."""
    search_index_many([profile, *posts])
    moved(member_card(profile.user_id), SEARCH_COUNTS, PUBLIC_PAGES)


def follows_changed() -> None:
    """Someone followed or stopped following: the counts on visitors' pages."""
    moved(PUBLIC_PAGES)


def blog_post_changed(post: BlogPost) -> None:
    """A blog post was written or edited: its search entry, the search
    counts, visitors' pages and its kept comments."""
    search_index(post)
    moved(SEARCH_COUNTS, PUBLIC_PAGES, BLOG_COMMENTS_KEY.format(post.pk))


def blog_post_visibility_changed(post: BlogPost) -> None:
    """A blog post was published, taken back to drafts, hidden or shown
    again: its feed entry follows (there while it is published and shown),
    then ``blog_post_changed``."""
    if post.is_published and not post.is_hidden:
        profile = getattr(post.author, "profile", None)
        community.activity_record(
            actor=post.author,
            kind=BLOG_POST_ACTIVITY,
            target=post,
            title=post.title,
            url=post.get_absolute_url(),
            subjects=list(profile.subjects.all()) if profile is not None else [],
        )
    else:
        community.activity_remove(kind=BLOG_POST_ACTIVITY, target=post)
    blog_post_changed(post)


def blog_post_removed(post: BlogPost) -> None:
    """A blog post is about to be deleted: out of the feed and search, the
    counts and visitors' pages."""
    community.activity_remove(kind=BLOG_POST_ACTIVITY, target=post)
    search_remove(post)
    moved(SEARCH_COUNTS, PUBLIC_PAGES)


def blog_post_shown_changed(post: BlogPost | None = None) -> None:
    """What a blog post's page shows beside its text changed (its comments,
    whether they are open): visitors' pages and the post's kept comments
    (without ``post``, every post's)."""
    moved(
        PUBLIC_PAGES,
        BLOG_COMMENTS_ALL if post is None else BLOG_COMMENTS_KEY.format(post.pk),
    )


def blog_comment_visibility_changed(comment: BlogComment) -> None:
    """A comment was hidden or shown again: a hidden comment is not counted;
    the post's count and visitors' pages."""
    step = -1 if comment.is_hidden else 1
    BlogPost.objects.filter(pk=comment.post_id, comment_count__gte=-step).update(
        comment_count=F("comment_count") + step
    )
    moved(PUBLIC_PAGES, BLOG_COMMENTS_KEY.format(comment.post_id))
