"""Forum pages: thin; rules in services, reads in selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from taggit.models import Tag

from community.numbers import parse_id
from community.page_blocks import page_blocks_for
from community.pagecache import page_scoped
from community.paging import CountedPaginator
from community.tags import kept_rows
from forums import (
    changes,
    fragments,
    list_fragments,
    selectors,
    selectors_lists,
    services,
)
from forums.forms import (
    PostEditForm,
    ReplyForm,
    TopicForm,
    TopicMergeForm,
    TopicMoveForm,
    TopicSplitForm,
)
from forums.models import Post, Section, Topic
from forums.permissions import (
    can_accept_answer,
    can_create_topic,
    can_edit_post,
    can_moderate_section,
    can_reply_topic,
    can_see_post,
    can_see_revisions,
)

TOPICS_PER_PAGE = 20
TOPIC_ROW = "forums/partials/_topic_row.html"
PENDING_MESSAGE = gettext_lazy(
    "Thank you! A new member's first messages wait for a moderator, usually "
    "less than a day. Until then only you see this one, marked “awaiting "
    "moderation”."
)


@page_scoped(changes.index_kept_under)
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    forums = selectors_lists.forums_index(
        user=user, since=selectors.new_since(user) if user.is_authenticated else None
    )
    return render(
        request,
        "forums/index.html",
        {
            "sections": forums.sections,
            "section_cards": list_fragments.section_cards(forums.sections),
            "new_count": forums.new_count,
        },
    )


@login_required
def new_topics(request: HttpRequest) -> HttpResponse:
    """What was written since the member's last visit and is still unread."""
    since = selectors.new_since(request.user)
    topics = selectors.topic_list_new(user=request.user, since=since)
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "forums/new_topics.html",
        {
            "page_obj": page,
            # Rendered once and kept while they show the same (community.tags).
            "rows": kept_rows(
                kind="forums-new",
                template=TOPIC_ROW,
                rows=topics,
                start=page.start_index() - 1 if page.paginator.count else 0,
                stop=page.end_index(),
                user=request.user,
                context=lambda topic: {
                    "topic": topic,
                    "user": request.user,
                    "show_section": True,
                },
            ),
            "since": since,
            "has_visit": request.user.previous_visit_at is not None,
        },
    )


@login_required
@require_POST
def new_mark_read(request: HttpRequest) -> HttpResponse:
    topics = selectors.topic_list_new(
        user=request.user, since=selectors.new_since(request.user)
    )
    services.forums_mark_read(user=request.user, topics=topics)
    messages.success(request, _("Everything new is marked read."))
    return redirect("forums:new")


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    topics = selectors.topic_list_for_tag(tag=tag, user=request.user)
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "forums/tag_detail.html",
        {
            "tag": tag,
            "page_obj": page,
            "is_watching": selectors.is_watching_tag(tag=tag, user=request.user),
        },
    )


@login_required
@require_POST
def tag_watch(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    services.tag_watch_set(
        user=request.user, tag=tag, watching=request.POST.get("watch") == "1"
    )
    return redirect("forums:tag", slug=tag.slug)


@page_scoped(changes.section_kept_under)
def section_detail(request: HttpRequest, slug: str) -> HttpResponse:
    section = selectors_lists.section_for_page(slug=slug, user=request.user)
    page = CountedPaginator(
        selectors_lists.SectionRows(section=section, user=request.user),
        TOPICS_PER_PAGE,
        count=selectors_lists.visible_topic_counts().get(section.pk, 0),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "forums/section_detail.html",
        {
            "section": section,
            # Its description and feed, kept (forums.list_fragments).
            "head": list_fragments.section_head(section),
            "page_obj": page,
            "rows": list_fragments.topic_rows(request, page.object_list),
            "children": section.children_listed,
            "may_create": can_create_topic(request.user, section),
            "may_moderate": can_moderate_section(request.user, section),
            "is_watching": section.viewer_watching,
            # What other apps show here (consultation lines of its subject).
            "page_blocks": page_blocks_for(
                page="forums.section", obj=section, viewer=request.user
            ),
        },
    )


@login_required
def section_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """Open reports in the section, for its moderators (a 404 for others)."""
    section = get_object_or_404(Section, slug=slug)
    if not can_moderate_section(request.user, section):
        raise Http404
    page = Paginator(
        selectors.section_open_reports(section=section), TOPICS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request, "forums/section_reports.html", {"section": section, "page_obj": page}
    )


def unanswered(request: HttpRequest) -> HttpResponse:
    topics = selectors.topic_list_unanswered(user=request.user)
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forums/unanswered.html", {"page_obj": page})


def _topic_page(
    request: HttpRequest,
    topic: Topic,
    *,
    reply_form: ReplyForm | None = None,
    status: int = 200,
    page_number: int | str | None = None,
) -> HttpResponse:
    page = selectors.topic_page_get(
        topic=topic, page_number=page_number or request.GET.get("page")
    )
    mine = selectors.topic_viewer(topic)
    if status == 200 and page.end_index():
        # Written by a task when the member reads on: the page writes nothing.
        services.topic_read_on(
            user=request.user,
            topic=topic,
            number=page.end_index(),
            read_to=mine.last_read,
        )
    if status == 200 and request.method == "GET":
        # In the cache, not the database; the page shows the count so far.
        view_count = services.topic_view_count(topic=topic)
    else:
        view_count = selectors.topic_views(topic=topic)
    rights = {
        "may_reply": can_reply_topic(request.user, topic),
        "may_accept": can_accept_answer(request.user, topic),
        "may_moderate": can_moderate_section(request.user, topic.section),
    }
    shown = fragments.topic_posts(
        request,
        topic,
        page,
        last_read=mine.last_read or 0,
        blocked=mine.blocked,
        **rights,
    )
    if reply_form is None:
        reply_fields, reply_media = fragments.blank_reply_form()
    else:
        reply_fields = reply_media = None
    return render(
        request,
        "forums/topic_detail.html",
        {
            **rights,
            "last_read": mine.last_read or 0,
            "topic": topic,
            "tags": selectors.topic_tags(topic),
            "description": shown.description,
            "posts_html": shown.posts,
            "accepted_html": shown.accepted,
            "is_watching": mine.is_watching,
            "page_obj": page,
            "view_count": view_count,
            "reply_form": reply_form,
            "reply_fields": reply_fields,
            "reply_media": reply_media,
            "is_bookmarked": mine.is_bookmarked,
            # What other apps show here (a poll), read with the topic.
            "page_blocks": page_blocks_for(
                page="forums.topic", obj=topic, viewer=request.user
            ),
        },
        status=status,
    )


# Visitors' pages of a topic are kept under its own generation: a reply
# elsewhere leaves them kept (community.pagecache).
@page_scoped(changes.topic_kept_under)
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(
        pk=pk, user=request.user, follow_merged=True, for_page=True
    )
    if topic.pk != pk:
        return redirect(topic, permanent=True)
    if request.GET.get("unread") and request.user.is_authenticated:
        last_read = selectors.last_read_number(topic=topic, user=request.user)
        first_unread = (
            topic.posts.filter(number__gt=last_read).order_by("number").first()
        )
        if first_unread is not None:
            return redirect(_post_url(first_unread))
    reply_form = None
    quote = parse_id(request.GET.get("quote"))
    if quote is not None:
        quoted = topic.posts.filter(pk=quote, is_deleted=False, is_hidden=False)
        quoted = quoted.select_related("author__profile").first()
        if quoted is not None:
            reply_form = ReplyForm(
                initial={"body": _quote_text(quoted), "quoted": quoted.pk}
            )
    return _topic_page(request, topic, reply_form=reply_form)


def _quote_text(post: Post) -> str:
    lines = [f"> **{post.author.profile.shown_name}** (#{post.number}):", ">"]
    lines += [f"> {line}" for line in post.body.splitlines()]
    return "\n".join(lines) + "\n\n"


def _post_url(post: Post) -> str:
    page = selectors.page_of_post(post)
    suffix = f"?page={page}" if page > 1 else ""
    return f"{post.topic.get_absolute_url()}{suffix}#post-{post.number}"


def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's permanent address: the topic page it is on, at the post."""
    post = get_object_or_404(Post.objects.select_related("topic__section"), pk=pk)
    selectors.topic_get(pk=post.topic_id, user=request.user)
    if not can_see_post(request.user, post):  # waiting for a moderator
        raise Http404
    return redirect(_post_url(post))


@login_required
def topic_create(request: HttpRequest, slug: str) -> HttpResponse:
    section = selectors.section_for_writing(slug=slug, user=request.user)
    if not can_create_topic(request.user, section):
        raise PermissionDenied
    # «Ask a question» links here with ?kind=question: the form starts there.
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in Topic.Kind.values else {}
    form = TopicForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                topic = services.topic_create(
                    section=section,
                    author=request.user,
                    title=data["title"],
                    body=data["body"],
                    kind=data["kind"],
                    tags=data["tags"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 429 if error.code == "rate" else 400
            else:
                if topic.is_pending:
                    messages.info(request, PENDING_MESSAGE)
                return redirect(topic)
    return render(
        request,
        "forums/topic_form.html",
        {"form": form, "section": section},
        status=status,
    )


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    # A reply needs the topic and the right to see it; the page's own query
    # (what it shows the member) only when the form comes back with an error.
    topic = selectors.topic_get(pk=pk, user=request.user)
    form = ReplyForm(request.POST)
    if form.is_valid():
        quoted = None
        if form.cleaned_data["quoted"]:
            quoted = Post.objects.filter(
                pk=form.cleaned_data["quoted"], topic=topic
            ).first()
        try:
            post = services.post_create(
                topic=topic,
                author=request.user,
                body=form.cleaned_data["body"],
                quoted=quoted,
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 403 if error.code == "locked" else 400
            topic = selectors.topic_get(pk=pk, user=request.user, for_page=True)
            return _topic_page(
                request, topic, reply_form=form, status=status, page_number="last"
            )
        if post.is_pending:
            messages.info(request, PENDING_MESSAGE)
        return redirect(_post_url(post))
    topic = selectors.topic_get(pk=pk, user=request.user, for_page=True)
    return _topic_page(request, topic, reply_form=form, status=400, page_number="last")


def _post_for(request: HttpRequest, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("topic__section"), pk=pk)
    selectors.topic_get(pk=post.topic_id, user=request.user)
    return post


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    if not can_edit_post(request.user, post):
        raise PermissionDenied
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                post=post,
                editor=request.user,
                body=form.cleaned_data["body"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The message is saved."))
            return redirect(_post_url(post))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "forums/post_edit.html",
        {
            "form": form,
            "post": post,
            "revisions": post.revisions.select_related("editor__profile")
            if can_see_revisions(request.user, post)
            else [],
        },
        status=status,
    )


@login_required
@require_POST
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    services.post_delete(
        post=post, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("The message is removed."))
    return redirect(_post_url(post))


@login_required
@require_POST
def post_hide(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    services.post_hide(
        post=post,
        moderator=request.user,
        reason=request.POST.get("reason", ""),
        hidden=not post.is_hidden,
    )
    return redirect(_post_url(post))


@login_required
@require_POST
def post_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator approves or rejects a post that waited for moderation."""
    post = _post_for(request, pk)
    decision = request.POST.get("decision")
    if decision == "approve":
        services.post_approve(post=post, moderator=request.user)
    elif decision == "reject":
        services.post_reject(
            post=post, moderator=request.user, reason=request.POST.get("reason", "")
        )
    else:
        raise Http404
    return redirect(_post_url(post))


@login_required
@require_POST
def answer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    topic = post.topic
    # The button says what it asks for, so a double click never takes the
    # mark away again.
    unmark = request.POST.get("accept") == "0"
    try:
        services.answer_accept(
            topic=topic,
            post=None if unmark else post,
            actor=request.user,
            withdrawn=post if unmark else None,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if unmark:
            messages.success(request, _("The reply is no longer marked as the answer."))
        else:
            messages.success(
                request, _("The reply is marked as the answer: the question is solved.")
            )
    return redirect(topic)


@login_required
@require_POST
def react(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    kind = request.POST.get("kind", "")
    try:
        # The form says the state it asks for ("on": 1 or 0), so a double
        # click or a retry never takes the reaction back.
        on = services.reaction_set(
            post=post,
            user=request.user,
            kind=kind,
            on=request.POST.get("on", "1") != "0",
        )
    except ValidationError as error:
        raise Http404 from error
    if request.htmx:
        post.refresh_from_db(fields=["thanks_count", "useful_count"])
        return HttpResponse(
            fragments.reaction_form(request, post=post, kind=kind, on=on)
        )
    return redirect(_post_url(post))


@login_required
@require_POST
def topic_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(pk=pk, user=request.user)
    action = request.POST.get("action", "")
    flags = {
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
        "lock": {"locked": True},
        "unlock": {"locked": False},
        "hide": {"hidden": True},
        "unhide": {"hidden": False},
    }
    if action not in flags:
        raise Http404
    services.topic_moderate(
        topic=topic,
        moderator=request.user,
        reason=request.POST.get("reason", ""),
        **flags[action],
    )
    messages.success(request, _("Done."))
    return redirect(topic)


@login_required
@require_POST
def topic_watch(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(pk=pk, user=request.user)
    watching = request.POST.get("watch") == "1"
    services.topic_watch_set(user=request.user, topic=topic, watching=watching)
    if request.htmx:
        return render(
            request,
            "forums/partials/_topic_watch_form.html",
            {"topic": topic, "is_watching": watching},
        )
    return redirect(topic)


@login_required
@require_POST
def section_watch(request: HttpRequest, slug: str) -> HttpResponse:
    section = selectors.section_for_writing(slug=slug, user=request.user)
    services.section_watch_set(
        user=request.user, section=section, watching=request.POST.get("watch") == "1"
    )
    return redirect(section)


@login_required
@require_POST
def section_mark_read(request: HttpRequest, slug: str) -> HttpResponse:
    section = selectors.section_for_writing(slug=slug, user=request.user)
    services.section_mark_read(user=request.user, section=section)
    messages.success(request, _("All topics of the section are marked read."))
    return redirect(section)


def _moderated_topic(request: HttpRequest, pk: int) -> Topic:
    topic = selectors.topic_get(pk=pk, user=request.user)
    if not can_moderate_section(request.user, topic.section):
        raise Http404
    return topic


@login_required
def topic_move(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _moderated_topic(request, pk)
    form = TopicMoveForm(
        request.POST or None,
        sections=selectors.sections_moderated_by(request.user),
        initial={"section": topic.section_id},
    )
    if request.method == "POST" and form.is_valid():
        services.topic_move(
            topic=topic,
            section=form.cleaned_data["section"],
            moderator=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The topic is moved."))
        return redirect(topic)
    return _moderation_page(request, topic, form, _("Move the topic"))


def _moderation_page(request, topic, form, heading, extra=None) -> HttpResponse:
    return render(
        request,
        "forums/topic_moderation_form.html",
        {"topic": topic, "form": form, "heading": heading, **(extra or {})},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def topic_merge(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _moderated_topic(request, pk)
    form = TopicMergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = None
        try:
            target = selectors.topic_get(
                pk=form.cleaned_data["target"], user=request.user
            )
            services.topic_merge(
                source=topic,
                target=target,
                moderator=request.user,
                reason=form.cleaned_data["reason"],
            )
        except Http404:
            form.add_error("target", _("There is no such topic."))
        except PermissionDenied:
            form.add_error(
                "target", _("You do not moderate the section of that topic.")
            )
        except ValidationError as error:
            form.add_error("target", error)
        else:
            messages.success(request, _("The topics are merged."))
            return redirect(target)
    return _moderation_page(request, topic, form, _("Merge into another topic"))


@login_required
def topic_split(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _moderated_topic(request, pk)
    posts = selectors.post_list_for_topic(topic=topic)
    page = Paginator(posts, selectors.POSTS_PER_PAGE).get_page(request.GET.get("page"))
    form = TopicSplitForm(
        request.POST or None,
        posts=page.object_list,
        sections=selectors.sections_moderated_by(request.user),
        initial={"section": topic.section_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.topic_split(
                topic=topic,
                numbers=data["numbers"],
                to_end=data["to_end"],
                title=data["title"],
                section=data["section"],
                moderator=request.user,
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The replies are moved to a new topic."))
            return redirect(new)
    return _moderation_page(
        request, topic, form, _("Split the topic"), {"page_obj": page}
    )
