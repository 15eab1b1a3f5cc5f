"""Replies and what happens to a post: pre-moderation, editing, removing,
hiding, the accepted answer, reactions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.hiding import REPORTED, hidden_set
from community.recognition import badges_check
from community.sanctions import participation_check
from forums import kinds
from forums.changes import (
    answer_changed,
    post_changed,
    post_shown_changed,
    post_visibility_changed,
    reply_published,
)
from forums.models import Post, PostRevision, Reaction, Topic
from forums.permissions import (
    can_accept_answer,
    can_delete_post,
    can_edit_post,
    can_moderate_section,
    can_react_post,
    can_read_section,
    can_reply_topic,
)
from forums.services._common import (
    DOUBLE_SUBMIT_WINDOW,
    _check_body,
    _check_rate,
    _log,
    _needs_premoderation,
    _render,
)
from forums.services._publish import _reply_published, _topic_published

__all__ = [
    "answer_accept",
    "post_approve",
    "post_create",
    "post_delete",
    "post_edit",
    "post_hide",
    "post_hide_by_reports",
    "post_reject",
    "reaction_set",
]


@transaction.atomic
def post_create(*, topic: Topic, author, body: str, quoted: Post | None = None) -> Post:
    """Reply in a topic; a double submit of the same text returns the first post.

    Raises ValidationError with code "locked" (closed or hidden topic), "empty"
    or "too_long".
    """
    participation_check(author)
    # Rendered before the topic is locked: other replies wait only while this
    # one is numbered and written.
    try:
        body_html = _render(_check_body(body))
    except ValidationError:
        body_html = ""  # raised again below, after the topic's own refusal
    # Whether the author's post waits for a moderator depends on the author
    # (and the section's moderators), not on the topic's state: asked before
    # the lock, so the next reply does not wait for this count.
    pending = _needs_premoderation(author, topic.section)
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("section")
        .get(pk=topic.pk)
    )
    if not can_reply_topic(author, topic):
        raise ValidationError(_("This topic is closed for replies."), code="locked")
    body = _check_body(body)
    last = topic.posts.order_by("-number").first()
    if (
        last is not None
        and last.author_id == author.pk
        and last.body == body
        and last.created_at >= timezone.now() - DOUBLE_SUBMIT_WINDOW
    ):
        return last
    _check_rate(author, topics=False)
    # Numbered under the topic's lock: the last post's number, read above.
    number = (last.number if last is not None else 0) + 1
    post = Post.objects.create(
        topic=topic,
        author=author,
        number=number,
        body=body,
        body_html=body_html,
        is_pending=pending,
        quoted=quoted if quoted is not None and quoted.topic_id == topic.pk else None,
    )
    if quoted is not None and quoted.topic_id != topic.pk:
        quoted = None
    if pending:
        post_changed(post)
    else:
        # Readers see it at once; its index and feed entries come with the
        # topic's fan-out (``replies_announced``), outside the topic's lock.
        reply_published(post)
        # Counters last: the section's row stays locked only until the commit.
        _reply_published(post, quoted=quoted)
    return post


def _post_lock(post: Post) -> None:
    """Lock the post's row and read its moderation state again (a page may be
    out of date, or another moderator may have decided meanwhile)."""
    post.is_pending, post.is_hidden = (
        Post.objects.select_for_update()
        .values_list("is_pending", "is_hidden")
        .get(pk=post.pk)
    )


@transaction.atomic
def post_approve(*, post: Post, moderator) -> Post:
    """Publish a post that waited for moderation (a topic with its first post).

    Once: the post's row is locked and read again, so a double click or two
    moderators at once publish it (and count it) once. Raises PermissionDenied
    for anyone who does not moderate its section.
    """
    if not can_moderate_section(moderator, post.topic.section):
        raise PermissionDenied
    _post_lock(post)
    if not post.is_pending:
        return post
    post.is_pending = False
    post.save(update_fields=["is_pending"])
    topic = post.topic
    if post.number == 1:
        topic.is_pending = False
        topic.save(update_fields=["is_pending"])
        _topic_published(topic, post)
    else:
        _reply_published(post)
    _log(moderator=moderator, action="approve", post=post)
    post_visibility_changed(post)
    return post


@transaction.atomic
def post_reject(*, post: Post, moderator, reason: str = "") -> Post:
    """Refuse a post that waited for moderation; it stays hidden, with the reason.

    Once, as ``post_approve``: a post already decided is left as it is.
    """
    if not can_moderate_section(moderator, post.topic.section):
        raise PermissionDenied
    _post_lock(post)
    if not post.is_pending:
        return post
    post.is_pending = False
    post.is_hidden = True
    post.save(update_fields=["is_pending", "is_hidden"])
    if post.number == 1:
        Topic.objects.filter(pk=post.topic_id).update(is_pending=False, is_hidden=True)
    _log(moderator=moderator, action="reject", post=post, reason=reason)
    # It never was public: nothing in the feed to take back.
    post_changed(post)
    return post


@transaction.atomic
def post_edit(*, post: Post, editor, body: str, reason: str = "") -> Post:
    """Change a post's text; the earlier version is kept for moderators.

    Raises PermissionDenied, or ValidationError on an empty or too long text.
    """
    participation_check(editor)
    if not can_edit_post(editor, post):
        raise PermissionDenied
    body = _check_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, editor=editor, body=post.body, reason=reason)
    post.body = body
    post.body_html = _render(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    if editor.pk != post.author_id:
        _log(moderator=editor, action="edit", post=post, reason=reason)
    post_changed(post)
    return post


def post_delete(*, post: Post, actor, reason: str = "") -> Post:
    """Remove a post, leaving a placeholder so that the thread still reads."""
    participation_check(actor)
    if not can_delete_post(actor, post):
        raise PermissionDenied
    if not post.is_deleted:
        post.is_deleted = True
        post.save(update_fields=["is_deleted"])
        if actor.pk != post.author_id:
            _log(moderator=actor, action="delete", post=post, reason=reason)
    post_visibility_changed(post)
    return post


def post_hide(*, post: Post, moderator, reason: str, hidden: bool = True) -> Post:
    """A moderator hides (or restores) a post; the log says who and why."""
    if not can_moderate_section(moderator, post.topic.section):
        raise PermissionDenied
    return _post_set_hidden(post, hidden=hidden, moderator=moderator, reason=reason)


def post_hide_by_reports(*, post: Post, hidden: bool = True) -> Post:
    """Reports of established members hide a post until a moderator looks."""
    return _post_set_hidden(post, hidden=hidden, moderator=None, reason=REPORTED)


def _post_set_hidden(post: Post, *, hidden: bool, moderator, reason: str) -> Post:
    hidden_set(
        post,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=post_visibility_changed,
        record=_post_record,
    )
    return post


def _post_record(post: Post, action: str, moderator, reason: str) -> None:
    _log(moderator=moderator, action=action, post=post, reason=reason)


@transaction.atomic
def answer_accept(
    *, topic: Topic, post: Post | None, actor, withdrawn: Post | None = None
) -> Topic:
    """Mark ``post`` as the answer to the question (None takes the mark away).

    With ``withdrawn`` (and no ``post``), the mark is taken away only while
    that post is still the answer: "Not the answer" pressed on a page that is
    out of date never removes an answer chosen since.

    Raises PermissionDenied for anyone but the question's author or a
    moderator, ValidationError when the post is not a reply in this topic.
    """
    participation_check(actor)
    if not can_accept_answer(actor, topic):
        raise PermissionDenied
    if post is not None and (post.topic_id != topic.pk or post.number == 1):
        raise ValidationError(_("Only a reply can be the answer."), code="not_reply")
    # The topic's row locked: a double click or a retry finds the answer
    # already set and changes nothing (no second notice, no second event).
    topic.accepted_post_id = (
        Topic.objects.select_for_update()
        .values_list("accepted_post_id", flat=True)
        .get(pk=topic.pk)
    )
    if topic.accepted_post_id == (post.pk if post is not None else None):
        return topic
    if (
        post is None
        and withdrawn is not None
        and topic.accepted_post_id != withdrawn.pk
    ):
        return topic
    previous = topic.accepted_post
    topic.accepted_post = post
    topic.save(update_fields=["accepted_post"])
    answer_changed(topic, previous=previous)
    if post is not None:
        badges_check(user=post.author, measures=[kinds.ANSWERS_MEASURE])
    # Told only while the author may still read the topic (a community's).
    if post is not None and can_read_section(post.author, topic.section):
        community.notify(
            recipient=post.author,
            kind=kinds.ACCEPTED,
            actor=actor,
            target=post,
            target_title=topic.title,
            url=post.get_absolute_url(),
            group=False,
        )
    return topic


@transaction.atomic
def reaction_set(*, post: Post, user, kind: str, on: bool) -> bool:
    """Say "thank you" or "useful" (``on``), or take it back; returns ``on``.

    Sets the state asked for, so a double click or a retried request changes
    nothing the second time, and requests that arrive at once add one row
    (the unique (post, member, kind) decides) and move the counter once.
    Raises ValidationError (code "kind") for an unknown kind, PermissionDenied
    when the member may not react to the post.
    """
    participation_check(user)
    if kind not in Reaction.Kind.values:
        raise ValidationError(_("Unknown reaction."), code="kind")
    if not can_react_post(user, post):
        raise PermissionDenied
    mine = Reaction.objects.filter(post=post, user=user, kind=kind)
    if on:
        # get_or_create inserts under a savepoint and reads the row again when
        # a parallel request inserted it first.
        _reaction, changed = Reaction.objects.get_or_create(
            post=post, user=user, kind=kind
        )
    else:
        changed = mine.delete()[0] > 0
    if not changed:
        return on
    counter = f"{kind}_count"
    Post.objects.filter(pk=post.pk).update(**{counter: F(counter) + (1 if on else -1)})
    post_shown_changed(post)
    if on and kind == Reaction.Kind.USEFUL:
        badges_check(user=post.author, measures=[kinds.USEFUL_MEASURE])
    return on
