"""Members' blogs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import blog_fragments, selectors, selectors_blog, services
from accounts.forms_blog import CommentForm, PostForm
from accounts.models import BlogComment, BlogPost
from accounts.permissions import can_comment_post, can_edit_post, can_moderate_blogs

PER_PAGE = 20


def post_list(request: HttpRequest, username: str) -> HttpResponse:
    profile = selectors.profile_get_for_space(
        username=username, viewer=request.user, details=False
    )
    tag = request.GET.get("tag", "")[:100]
    posts = selectors_blog.post_list_for_blog(
        profile=profile, viewer=request.user, tag=tag
    )
    context = selectors.space_context(viewer=request.user, profile=profile, tab="blog")
    context.update(
        page_obj=Paginator(posts, PER_PAGE).get_page(request.GET.get("page")),
        tag=tag,
    )
    return render(request, "accounts/post_list.html", context)


def _post_page(
    request: HttpRequest,
    post: BlogPost,
    *,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    # The space's header shows the subjects only: not the profile page's
    # grades and interests.
    profile = selectors.profile_get_for_space(
        username=post.author.username, viewer=request.user, details=False
    )
    # The same member, read with whether they block the viewer: the comment
    # form's check asks no query of its own.
    post.author = profile.user
    may_moderate = can_moderate_blogs(request.user)
    # Kept rendered where they were (``blog_fragments``), with the reader's
    # controls and folds put in.
    comments = blog_fragments.post_comments(request, post, moderator=may_moderate)
    context = selectors.space_context(viewer=request.user, profile=profile, tab="blog")
    context.update(
        post=post,
        post_tags=selectors_blog.post_tags(post),
        page_obj=comments.page_obj,
        comments=comments,
        may_comment=can_comment_post(request.user, post),
        may_moderate=may_moderate,
        comment_form=comment_form or CommentForm(),
        # Read with the post (``post_get(for_page=True)``); never for visitors.
        is_bookmarked=getattr(post, "viewer_bookmarked", False),
    )
    return render(request, "accounts/post_detail.html", context, status=status)


def post_detail(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    post = selectors_blog.post_get(
        username=username, slug=slug, viewer=request.user, for_page=True
    )
    return _post_page(request, post)


def _post_form_page(
    request: HttpRequest, form: PostForm, post: BlogPost | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "accounts/post_form.html", {"form": form, "post": post}, status=status
    )


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _post_form_page(request, PostForm(), None)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_create(
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
                publish="publish" in request.POST,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The post is published.")
                if post.is_published
                else _("The draft is saved."),
            )
            return redirect(post)
    return _post_form_page(request, form, None, status=400)


def _own_post(request: HttpRequest, username: str, slug: str) -> BlogPost:
    post = selectors_blog.post_get(username=username, slug=slug, viewer=request.user)
    if not can_edit_post(request.user, post):
        raise PermissionDenied
    return post


@login_required
def post_edit(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    post = _own_post(request, username, slug)
    if request.method != "POST":
        return _post_form_page(request, PostForm(instance=post), post)
    form = PostForm(request.POST, instance=BlogPost.objects.get(pk=post.pk))
    if form.is_valid():
        try:
            services.post_update(
                post=post,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
            )
            if "publish" in request.POST:
                services.post_publish(post=post, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The post is saved."))
            return redirect(post)
    return _post_form_page(request, form, post, status=400)


@login_required
@require_POST
def post_publish(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    post = _own_post(request, username, slug)
    if post.is_published:
        services.post_unpublish(post=post, actor=request.user)
        messages.success(request, _("The post is back in your drafts."))
    else:
        services.post_publish(post=post, actor=request.user)
        messages.success(request, _("The post is published."))
    return redirect(post)


@login_required
@require_POST
def post_comments_toggle(
    request: HttpRequest, username: str, slug: str
) -> HttpResponse:
    post = _own_post(request, username, slug)
    services.post_comments_set(
        post=post, actor=request.user, closed=not post.comments_closed
    )
    messages.success(
        request,
        _("Comments are closed.") if post.comments_closed else _("Comments are open."),
    )
    return redirect(post)


@login_required
@require_POST
def post_delete(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    post = selectors_blog.post_get(username=username, slug=slug, viewer=request.user)
    services.post_delete(post=post, actor=request.user)
    messages.success(request, _("The post is deleted."))
    return redirect("accounts:blog", username=username)


@login_required
@require_POST
def comment_create(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    # For the page shown again when the comment is refused.
    post = selectors_blog.post_get(
        username=username, slug=slug, viewer=request.user, for_page=True
    )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                post=post, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 403 if error.code in ("blocked", "closed") else 400
            return _post_page(request, post, comment_form=form, status=status)
        messages.success(request, _("Your comment is added."))
        return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")
    return _post_page(request, post, comment_form=form, status=400)


@login_required
@require_POST
def comment_delete(
    request: HttpRequest, username: str, slug: str, pk: int
) -> HttpResponse:
    post = selectors_blog.post_get(username=username, slug=slug, viewer=request.user)
    comment = get_object_or_404(
        BlogComment.objects.select_related("post"), pk=pk, post=post
    )
    services.comment_delete(comment=comment, actor=request.user)
    messages.success(request, _("The comment is deleted."))
    return redirect(post)
