"""Members' blog posts in a tag's feed."""

from accounts import selectors_public
from accounts.models import BlogPost
from community.excerpts import excerpt
from community.feeds import FeedEntry


def post_entry(post: BlogPost) -> FeedEntry:
    """Reads what ``selectors_public`` loaded: no query."""
    return FeedEntry(
        title=post.title,
        url=post.get_absolute_url(),
        description=excerpt(post.body_html),
        author_name=post.author.profile.shown_name,
        published_at=post.published_at,
        updated_at=post.updated_at,
        categories=[tag.name for tag in post.tags.all()],
    )


def tag_entries(tag, limit: int) -> list[FeedEntry]:
    posts = selectors_public.posts_new_with_tag(tag=tag, limit=limit)
    return [post_entry(post) for post in posts]
