"""The notification kinds of the accounts app, in one place.

The services use them and ``community_hooks`` registers them; this module
imports nothing, so neither has to import the other for a key.
"""

FOLLOW = "follow"
BLOG_COMMENT = "blog_comment"

# The activity feed's kind of a published blog post.
BLOG_POST_ACTIVITY = "blog_post"
