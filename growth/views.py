"""«Мой путь»'s pages: her plans, a new plan, a plan (its criteria, items and
progress), its items, gaps with suggestions, and evidence.

Thin: rules in ``growth.services``, reads in ``growth.selectors``. A plan is
seen whole by its owner and her active mentor; anyone else gets a 404, except
on a public plan's page, which shows them its target and what is done. One
who sees a plan but may not change it (the mentor; anyone once it is closed)
gets a 403. Bad input renders the form again with its messages and the text
kept (400); so does a service's refusal. The mentor's pages, the history and
the portfolio are in ``views_mentor`` and ``views_portfolio``.
"""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.attainments import attainment_source, attainment_sources
from community.downloads import content_disposition
from community.paging import CountedPaginator
from community.sanctions import participation_check
from growth import fragments, kinds, selectors, services
from growth.forms import (
    ItemForm,
    OwnEvidenceForm,
    PlanCreateForm,
    PlanForm,
    item_initial,
    own_evidence_initial,
    plan_initial,
)
from growth.models import OwnEvidence, Plan, PlanItem
from growth.permissions import (
    active_mentorship,
    can_change_own_evidence,
    can_confirm_evidence,
    can_edit_plan,
    can_view_plan,
)

PER_PAGE = 20
# The index and the evidence page show each list's first few; ``?list=``
# shows one whole, page by page.
SHOWN = 10
INDEX_LISTS = ("mine", "mentored")
EVIDENCE_LISTS = ("computed", "own")
KIND_ICONS = {
    PlanItem.Kind.COURSE: "mortarboard",
    PlanItem.Kind.MASTERCLASS: "camera-video",
    PlanItem.Kind.COMMUNITY: "people",
    PlanItem.Kind.READING: "book",
    PlanItem.Kind.OWN: "flag",
}


# The services' refusals name no field; their codes say which one it is.
PLAN_FIELDS = {"period": "ends_on", "visibility": "visibility", "target": "target"}
ITEM_FIELDS = {
    "kind": "kind",
    "url": "url",
    "competency": "competency",
    "due": "due_on",
}
# The form has settled the kind, the title and "a link or a file" already:
# "kind" and "empty" from the services are then the file's (``file_check``).
EVIDENCE_FIELDS = {
    "date": "happened_on",
    "competency": "competency_code",
    "hours": "hours",
    "link": "link",
    "too_large": "upload",
    "kind": "upload",
    "empty": "upload",
}


def add_errors(form, error: ValidationError, fields: dict | None = None) -> None:
    """A service's refusal on the form: each message by its field (named, or
    known by its code in ``fields``), the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        field = (fields or {}).get(getattr(item, "code", None) or "")
        form.add_error(field if field in form.fields else None, item)


def refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _plan(request: HttpRequest, pk: int) -> Plan:
    """The plan, seen whole by ``request.user`` (its owner or active mentor);
    a 404 to anyone else."""
    return selectors.plan_for(request.user, pk)


def _per_page() -> int:
    return getattr(settings, "GROWTH_PER_PAGE", PER_PAGE)


def _editable(request: HttpRequest, pk: int) -> Plan:
    """The plan, when ``request.user`` may change it: a 403 to her mentor and
    on a closed plan, a 404 to those who do not see it."""
    plan = _plan(request, pk)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _own_evidence_plan(request: HttpRequest, pk: int) -> Plan:
    """The plan, when ``request.user`` may change her own evidence through
    it: its owner, open or closed (the evidence is hers, not the plan's); a
    403 to her mentor, a 404 to those who do not see it."""
    plan = _plan(request, pk)
    if not can_change_own_evidence(request.user, plan):
        raise PermissionDenied
    return plan


def _page_number(request: HttpRequest) -> str:
    number = request.POST.get("page", "")
    return number if number.isdigit() else ""


# --- Her plans, a new plan ------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Her plans, and the plans she mentors or is invited to: each list's
    first few, or one whole (``?list=``), page by page."""
    user = request.user
    lists = {
        "mine": selectors.plans_of(user),
        "mentored": selectors.plans_mentored(user),
    }
    shown = request.GET.get("list", "")
    context: dict = {"shown": shown if shown in INDEX_LISTS else ""}
    if context["shown"]:
        context["page_obj"] = Paginator(lists[shown], _per_page()).get_page(
            request.GET.get("page")
        )
    else:
        for name, rows in lists.items():
            first = list(rows[: SHOWN + 1])
            context[name] = first[:SHOWN]
            context[f"{name}_more"] = len(first) > SHOWN
    return render(request, "growth/index.html", context)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """A new plan: the target chosen from the current version's, described."""
    targets = selectors.targets_current()
    planned = {plan.target_code for plan in selectors.plans_of(request.user).active()}
    form = PlanCreateForm(request.POST or None, targets=targets, planned=planned)
    if request.method == "POST" and targets and form.is_valid():
        data = form.cleaned_data
        fields = {"visibility": data["visibility"]}
        if data["starts_on"]:
            fields["starts_on"] = data["starts_on"]
        if data["ends_on"]:
            fields["ends_on"] = data["ends_on"]
        try:
            plan = services.plan_create(
                owner=request.user, target=data["target"], **fields
            )
        except ValidationError as error:
            add_errors(form, error, PLAN_FIELDS)
        else:
            if plan.target_code in planned:
                messages.info(request, _("You already have a plan for this target."))
            else:
                messages.success(
                    request,
                    _(
                        "The plan is made. Your evidence from Kollegi is already "
                        "counted: see what is thin and what to take up next."
                    ),
                )
            return redirect(plan)
    return render(
        request,
        "growth/create.html",
        {"form": form, "targets": targets},
        status=400 if request.method == "POST" else 200,
    )


# --- A plan ---------------------------------------------------------------------------


def _public_plan(request: HttpRequest, plan: Plan) -> HttpResponse:
    """A public plan as others see it: the target and the items done; for
    a signed-in colleague, «Пожаловаться» (the moderators make it private).
    Not indexed unless its owner lets search engines index her profile."""
    page = CountedPaginator(
        selectors.items_done_of(plan).order_by("-done_at", "-pk"),
        _per_page(),
        count=plan.items_done,
    ).get_page(request.GET.get("page"))
    user = request.user
    report_url = ""
    if user.is_authenticated and user.pk != plan.owner_id:
        report_url = reverse("report", args=[kinds.REPORTABLE_PLAN, plan.pk])
    return render(
        request,
        "growth/plan.html",
        {
            "plan": plan,
            "public": True,
            "page_obj": page,
            "kind_icons": KIND_ICONS,
            "indexable": plan.owner.profile.indexable,
            "report_url": report_url,
        },
    )


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan: its target, period, progress, the criteria with the
    evidence counted and the gaps, the items page by page. Others see a
    public plan's target and items done; a private one is a 404 to them."""
    user = request.user
    found = selectors.plan_for(user, pk, public=True)
    if not can_view_plan(user, found):
        return _public_plan(request, found)
    page = CountedPaginator(
        selectors.items_of(found).order_by("position", "pk"),
        _per_page(),
        count=found.items_count,
    ).get_page(request.GET.get("page"))
    # Kept until her evidence changes (``fragments``).
    criteria, gaps = fragments.criteria(found)
    may_edit = can_edit_plan(user, found)
    return render(
        request,
        "growth/plan.html",
        {
            "plan": found,
            "public": False,
            "criteria": criteria,
            "gaps": gaps,
            "page_obj": page,
            "kind_icons": KIND_ICONS,
            "today": timezone.localdate(),
            "mentorship": active_mentorship(found),
            "is_owner": found.owner_id == user.pk,
            "may_edit": may_edit,
            # Kept rows, her controls put in (``fragments``).
            "item_rows": fragments.item_rows(
                request,
                page.object_list,
                kind_icons=KIND_ICONS,
                may_edit=may_edit,
                page_number=page.number,
            ),
            "percent": round(100 * found.items_done / found.items_count)
            if found.items_count
            else 0,
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    form = PlanForm(request.POST or None, initial=plan_initial(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error, PLAN_FIELDS)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect(found)
    return render(
        request,
        "growth/plan_form.html",
        {"plan": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    try:
        services.plan_close(found, actor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect(found)
    messages.success(
        request,
        _(
            "The plan is closed: it stays here to read, with its history. You "
            "may make a new plan for the same target."
        ),
    )
    return redirect(found)


# --- Items ----------------------------------------------------------------------------


def _item(plan: Plan, pk: int) -> PlanItem:
    return get_object_or_404(selectors.items_of(plan), pk=pk)


def _item_form_page(request, plan, form, *, item=None) -> HttpResponse:
    return render(
        request,
        "growth/item_form.html",
        {"plan": plan, "form": form, "item": item},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A new item, typed or sent by a suggestion's «Добавить в план» (the
    gaps page: it comes back there)."""
    found = _editable(request, pk)
    initial = {"kind": PlanItem.Kind.OWN}
    if request.GET.get("competency"):
        initial["competency"] = request.GET["competency"]
    form = ItemForm(request.POST or None, plan=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error, ITEM_FIELDS)
        else:
            messages.success(
                request,
                _("«%(title)s» is in your plan.")
                % {"title": form.cleaned_data["title"]},
            )
            if request.POST.get("back") == "gaps":
                return redirect("growth:gaps", pk=found.pk)
            return redirect(found)
    return _item_form_page(request, found, form)


@login_required
def item_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    found = _editable(request, pk)
    row = _item(found, item)
    form = ItemForm(
        request.POST or None, plan=found, editing=True, initial=item_initial(row)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(row, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error, ITEM_FIELDS)
        else:
            messages.success(request, _("The item is saved."))
            return redirect(found)
    return _item_form_page(request, found, form, item=row)


@login_required
@require_POST
def item_done(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Done (``done=1``) or not done again (``done=0``); back to the same
    page of items."""
    found = _editable(request, pk)
    row = _item(found, item)
    try:
        services.item_done(
            row, actor=request.user, done=request.POST.get("done") != "0"
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    number = _page_number(request)
    query = f"?page={number}" if number else ""
    return redirect(f"{found.get_absolute_url()}{query}#item-{row.pk}")


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    found = _editable(request, pk)
    row = _item(found, item)
    try:
        services.item_remove(row, actor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request, _("«%(title)s» is removed from the plan.") % {"title": row.title}
        )
    return redirect(found)


# --- Gaps -----------------------------------------------------------------------------


@login_required
def gaps(request: HttpRequest, pk: int) -> HttpResponse:
    """Per competency of the target: the evidence counted, the latest, and
    for the thin ones what to take up (courses, master-classes, communities
    in her subjects tagged for it), each with «Добавить в план»."""
    found = _plan(request, pk)
    states = selectors.plan_progress(found)
    suggestions = selectors.gaps_suggestions(found, states)
    # A competency is thin when a criterion it serves lacks evidence.
    thin = {
        item.competency.code
        for state in states
        if state.is_gap
        for item in state.competencies
    }
    rows, seen = [], set()
    for state in states:
        for item in state.competencies:
            code = item.competency.code
            if code in seen:
                continue
            seen.add(code)
            rows.append(
                {
                    "state": item,
                    "is_gap": code in thin,
                    "suggestions": suggestions.get(code, []),
                }
            )
    return render(
        request,
        "growth/gaps.html",
        {
            "plan": found,
            "rows": rows,
            "gap_count": sum(1 for row in rows if row["is_gap"]),
            "may_edit": can_edit_plan(request.user, found),
            "kind_icons": KIND_ICONS,
        },
    )


# --- Evidence -------------------------------------------------------------------------


def _counted_sources() -> list[str]:
    return [source.key for source in attainment_sources() if source.as_count]


def _evidence_groups(rows) -> list[dict]:
    """The computed rows of a page (in the sources' order, newest first
    within each) as runs of one source, each under its source's title."""
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["key"] != row.source:
            source = attainment_source(row.source)
            title = source.title if source else row.source
            groups.append({"key": row.source, "title": title, "rows": []})
        groups[-1]["rows"].append(row)
    return groups


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Her evidence: what Kollegi counted, by source in the sources' order
    (each with its verification link; reviews only as a count while blind
    review hides reviewers) and what she added herself, «не подтверждено»
    until her mentor confirms it."""
    return _evidence_page(request, _plan(request, pk))


def _evidence_page(
    request: HttpRequest, found: Plan, status: int = 200
) -> HttpResponse:
    """The evidence page of a plan ``request.user`` sees (also with a
    refusal's status, the confirmation of a version changed since)."""
    owner = found.owner
    counted = _counted_sources()
    computed = selectors.evidence_of(owner).exclude(source__in=counted)
    own = selectors.own_evidence_of(owner)
    shown = request.GET.get("list", "")
    shown = shown if shown in EVIDENCE_LISTS else ""
    context: dict = {
        "plan": found,
        "shown": shown,
        "is_owner": found.owner_id == request.user.pk,
        "may_edit": can_edit_plan(request.user, found),
        "may_change_own": can_change_own_evidence(request.user, found),
        "may_confirm": can_confirm_evidence(request.user, found),
    }
    if shown == "computed":
        page = Paginator(computed, _per_page()).get_page(request.GET.get("page"))
        context["page_obj"] = page
        context["computed"] = _evidence_groups(page)
    elif shown == "own":
        context["page_obj"] = Paginator(own, _per_page()).get_page(
            request.GET.get("page")
        )
    else:
        first = list(computed[: SHOWN + 1])
        context["computed"] = _evidence_groups(first[:SHOWN])
        context["computed_more"] = len(first) > SHOWN
        first = list(own[: SHOWN + 1])
        context["own"] = first[:SHOWN]
        context["own_more"] = len(first) > SHOWN
        context["counts"] = _evidence_counts(owner, counted)
        context["refreshed"] = selectors.evidence_refreshed_at(owner)
    return render(request, "growth/evidence.html", context, status=status)


def _evidence_counts(owner, keys: list[str]) -> list[dict]:
    """The sources shown only as a count (reviews): how many, no titles."""
    if not keys:
        return []
    rows = (
        selectors.evidence_of(owner)
        .filter(source__in=keys)
        .order_by()
        .values("source")
        .annotate(total=Count("pk"))
    )
    return [
        {"title": attainment_source(row["source"]).title, "total": row["total"]}
        for row in rows
        if attainment_source(row["source"])
    ]


def _own(plan: Plan, pk: int) -> OwnEvidence:
    return get_object_or_404(selectors.own_evidence_of(plan.owner), pk=pk)


def _evidence_form_page(request, plan, form, *, item=None) -> HttpResponse:
    return render(
        request,
        "growth/evidence_form.html",
        {"plan": plan, "form": form, "item": item},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    form = OwnEvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.own_evidence_add(owner=request.user, **form.service_fields())
        except ValidationError as error:
            add_errors(form, error, EVIDENCE_FIELDS)
        else:
            messages.success(
                request,
                _(
                    "The evidence is added. It is marked «not confirmed» until "
                    "your mentor confirms it."
                ),
            )
            return redirect("growth:evidence", pk=found.pk)
    return _evidence_form_page(request, found, form)


@login_required
def evidence_edit(request: HttpRequest, pk: int, ev: int) -> HttpResponse:
    found = _own_evidence_plan(request, pk)
    item = _own(found, ev)
    form = OwnEvidenceForm(
        request.POST or None,
        request.FILES or None,
        initial=own_evidence_initial(item),
        has_file=bool(item.file),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.own_evidence_update(
                item, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_errors(form, error, EVIDENCE_FIELDS)
        else:
            messages.success(request, _("The evidence is saved."))
            return redirect("growth:evidence", pk=found.pk)
    return _evidence_form_page(request, found, form, item=item)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, ev: int) -> HttpResponse:
    found = _own_evidence_plan(request, pk)
    item = _own(found, ev)
    try:
        services.own_evidence_remove(item, actor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("«%(title)s» is removed.") % {"title": item.title})
    return redirect("growth:evidence", pk=found.pk)


@login_required
@require_POST
def evidence_confirm(request: HttpRequest, pk: int, ev: int) -> HttpResponse:
    """Her mentor confirms her own evidence (the mentor only: a 403 to the
    owner herself), the version she saw (``seen``, its ``updated_at``): one
    changed since is refused with the page again (409), to be read again."""
    found = _plan(request, pk)
    if not can_confirm_evidence(request.user, found):
        raise PermissionDenied
    item = _own(found, ev)
    try:
        seen = parse_datetime(request.POST.get("seen", ""))
    except ValueError:
        seen = None
    if seen is None or timezone.is_naive(seen):
        messages.error(request, _("The evidence has changed: look at it again."))
        return _evidence_page(request, found, status=400)
    try:
        services.own_evidence_confirm(item, actor=request.user, plan=found, seen=seen)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        if error.code == "changed":
            return _evidence_page(request, found, status=409)
    else:
        messages.success(
            request, _("«%(title)s» is confirmed.") % {"title": item.title}
        )
    return redirect(reverse("growth:evidence", args=[found.pk]) + f"#own-{item.pk}")


@login_required
def evidence_file(request: HttpRequest, pk: int, ev: int) -> HttpResponse:
    """Her evidence's file, to her (through any of her plans, open or
    closed) and to her active mentor (no other address serves it)."""
    found = _plan(request, pk)
    item = _own(found, ev)
    if not item.file:
        raise Http404
    try:
        opened, name = services.own_evidence_file_open(item)
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(opened, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Gather what Kollegi knows of her now, not waiting for the night."""
    found = _editable(request, pk)
    # Not for a suspended or banned member: the night brings it up to date.
    participation_check(request.user)
    changed = services.evidence_refresh(request.user.pk)
    if changed:
        messages.success(request, _("Your evidence is brought up to date."))
    else:
        messages.info(request, _("Your evidence was already up to date."))
    return redirect("growth:evidence", pk=found.pk)
