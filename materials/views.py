"""Materials' pages: thin; rules in services, reads in selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.installable import offline_keep
from community.pagecache import page_scoped
from materials import list_fragments, selectors, services
from materials.downloads import file_response
from materials.forms import (
    CatalogueFilterForm,
    CollectionForm,
    CollectionItemForm,
    MaterialCreateForm,
    MaterialForm,
    RatingForm,
    VersionForm,
)
from materials.models import Material
from materials.permissions import (
    can_create_material,
    can_edit_collection,
    can_edit_material,
    can_moderate_materials,
    can_rate_material,
    can_see_reviewer_names,
    can_see_reviews,
    can_submit_for_review,
    is_expert,
)

PER_PAGE = 20


# Its visitors' pages list only what moves every page when it changes (not
# the forums' writes): kept under PUBLIC_PAGES alone (community.pagecache).
@page_scoped(lambda **kwargs: ())
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    materials = selectors.catalogue(
        subject=filters.get("subject"),
        grade=filters.get("grade"),
        kind=filters.get("kind", ""),
        licence=filters.get("licence", ""),
        recommended=filters.get("recommended", False),
        tag=filters.get("tag", ""),
        sort=filters.get("sort") or "new",
    )
    shown = list_fragments.catalogue_page(request, form, materials, filters, PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "materials/catalogue.html",
        {
            "form": form,
            "filters": shown.filters,
            "page_obj": shown.page,
            "cards": shown.cards,
            "query": query.urlencode(),
            "may_create": can_create_material(request.user),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


# Its visitors' pages show nothing the forums' writes change: kept until a
# write moves every page (community.pagecache).
@page_scoped(lambda pk: ())
def detail(request: HttpRequest, pk: int, rating_form=None, status=200) -> HttpResponse:
    # The kept parts are asked for first: a change committed after the
    # material is read leaves what is rendered from it behind their versions.
    kept = list_fragments.page_parts_found(request, pk)
    material = selectors.material_get(
        pk=pk,
        user=request.user,
        for_page=True,
        using=None if kept.parts else DEFAULT_DB_ALIAS,
        lean=kept.parts is not None,
    )
    parts = kept.parts or list_fragments.page_parts_render(request, material, kept)
    own_rating = selectors.rating_of(material=material, user=request.user)
    if rating_form is None and can_rate_material(request.user, material):
        rating_form = RatingForm(
            initial={"score": own_rating.score, "comment": own_rating.comment}
            if own_rating
            else None
        )
    may_see_reviews = can_see_reviews(request.user, material)
    is_bookmarked = bool(getattr(material, "viewer_bookmarked", False))
    response = render(
        request,
        "materials/detail.html",
        {
            "material": material,
            "parts": parts,
            "own_rating": own_rating,
            "rating_form": rating_form,
            "rating_fields": list_fragments.rating_fields(rating_form)
            if rating_form
            else "",
            "may_edit": can_edit_material(request.user, material),
            "may_submit": can_submit_for_review(request.user, material),
            "may_see_reviews": may_see_reviews,
            "review_rounds": selectors.review_rounds_for(
                material=material, hidden_too=can_moderate_materials(request.user)
            )
            if may_see_reviews
            else [],
            "show_reviewer_names": can_see_reviewer_names(request.user, material),
            "collections": selectors.collections_of(user=request.user),
            "is_bookmarked": is_bookmarked,
        },
        status=status,
    )
    if is_bookmarked:
        # Bookmarked: her browser may keep it for reading offline.
        offline_keep(response, user=request.user)
    return response


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not can_create_material(request.user):
        raise PermissionDenied
    form = MaterialCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            material = services.material_create(
                author=request.user,
                files=data["files"],
                grades=data["grades"],
                tags=data["tags"],
                publish=data["publish"],
                **{key: data[key] for key in services.FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The material is published.")
                if material.is_published
                else _("The draft is saved; publish it when it is ready."),
            )
            return redirect(material)
    return render(
        request,
        "materials/form.html",
        {"form": form, "heading": _("Share a material")},
        status=400 if request.method == "POST" else 200,
    )


def _editable(request: HttpRequest, pk: int) -> Material:
    material = selectors.material_get(pk=pk, user=request.user)
    if not can_edit_material(request.user, material):
        raise Http404
    return material


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    material = _editable(request, pk)
    form = MaterialForm(request.POST or None, instance=material)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.material_update(
                material=Material.objects.get(pk=material.pk),
                editor=request.user,
                grades=data["grades"],
                tags=data["tags"],
                **{key: data[key] for key in services.FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The material is saved."))
            return redirect(material)
    return render(
        request,
        "materials/form.html",
        {"form": form, "heading": _("Edit the material"), "material": material},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def version_add(request: HttpRequest, pk: int) -> HttpResponse:
    material = _editable(request, pk)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.material_version_add(
            material=material,
            author=request.user,
            files=form.cleaned_data["files"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The new version is published."))
        return redirect(material)
    return render(
        request,
        "materials/form.html",
        {"form": form, "heading": _("Upload a new version"), "material": material},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    material = _editable(request, pk)
    if request.POST.get("publish") == "1":
        services.material_publish(material=material, actor=request.user)
        messages.success(request, _("The material is published."))
    else:
        services.material_unpublish(material=material, actor=request.user)
        messages.success(request, _("The material is back in your drafts."))
    return redirect(material)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    material = _editable(request, pk)
    try:
        services.material_delete(material=material, actor=request.user)
    except ValidationError as error:
        # Kept by a contest's entry: the page again, with the reason.
        messages.error(request, " ".join(error.messages))
        return detail(request, pk, status=400)
    messages.success(request, _("The material is deleted."))
    return redirect("materials:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The member's own materials, drafts included."""
    page = Paginator(selectors.materials_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "materials/mine.html",
        {"page_obj": page, "is_expert": is_expert(request.user)},
    )


def download(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    material = selectors.material_get(pk=pk, user=request.user)
    record = selectors.file_get(material=material, pk=file_pk)
    services.download_note(material=material, user=request.user)  # a task counts it
    return file_response(record)


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(pk=pk, user=request.user)
    if not can_rate_material(request.user, material):
        raise Http404
    if request.POST.get("remove") == "1":
        services.rating_delete(material=material, user=request.user)
        messages.success(request, _("Your rating is removed."))
        return redirect(material)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return detail(request, pk, rating_form=form, status=400)
    try:
        services.rating_set(
            material=material,
            user=request.user,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return detail(request, pk, rating_form=form, status=400)
    messages.success(request, _("Thank you for your rating."))
    return redirect(material)


@login_required
def collections(request: HttpRequest) -> HttpResponse:
    """The member's collections, and a form for a new one."""
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            collection = services.collection_create(
                owner=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The collection is created."))
            return redirect(collection)
    page = Paginator(selectors.collections_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "materials/collections.html",
        {"form": form, "page_obj": page},
        status=400 if request.method == "POST" else 200,
    )


def collection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collection = selectors.collection_get(pk=pk, user=request.user)
    may_edit = can_edit_collection(request.user, collection)
    form = None
    if may_edit:
        form = CollectionForm(
            request.POST or None,
            initial={
                "title": collection.title,
                "description": collection.description,
                "is_public": collection.is_public,
            },
        )
        if request.method == "POST" and form.is_valid():
            services.collection_update(
                collection=collection, editor=request.user, **form.cleaned_data
            )
            messages.success(request, _("The collection is saved."))
            return redirect(collection)
    elif request.method == "POST":
        raise Http404
    materials = selectors.collection_materials(collection=collection, user=request.user)
    page = Paginator(materials, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "materials/collection_detail.html",
        {"collection": collection, "page_obj": page, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def collection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    collection = selectors.collection_get(pk=pk, user=request.user)
    if not can_edit_collection(request.user, collection):
        raise Http404
    services.collection_delete(collection=collection, editor=request.user)
    messages.success(request, _("The collection is deleted."))
    return redirect("materials:collections")


@login_required
@require_POST
def collection_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the material ``pk`` into one of the member's collections, or take it out."""
    material = selectors.material_get(pk=pk, user=request.user)
    form = CollectionItemForm(
        request.POST, collections=selectors.collections_of(user=request.user)
    )
    if not form.is_valid():
        # Not one of the member's collections (missing, another's, not a number).
        messages.error(request, " ".join(form.errors["collection"]))
        return detail(request, pk, status=400)
    collection = form.cleaned_data["collection"]
    present = request.POST.get("present") != "0"
    try:
        services.collection_item_set(
            collection=collection,
            material=material,
            editor=request.user,
            present=present,
        )
    except ValidationError as error:
        # No text to keep: the material's page, saying why.
        messages.error(request, " ".join(error.messages))
        return detail(request, pk, status=400)
    messages.success(
        request,
        _("Added to «%(title)s».") % {"title": collection.title}
        if present
        else _("Removed from «%(title)s».") % {"title": collection.title},
    )
    return redirect(material)
