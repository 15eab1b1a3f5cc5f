"""Reads for members' pages: each function owns its joins and prefetches."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Exists,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from accounts.models import Block, BlogPost, Follow, Profile, User
from accounts.permissions import can_moderate_profiles
from community.models import Grade, Subject

LATEST_POSTS_ON_PROFILE = 5


def _space_profiles(*, details: bool = True) -> QuerySet[Profile]:
    # The header of every page of the space names the subjects; the grades
    # and interests are the profile page's own.
    related = ("subjects", "grades", "interests") if details else ("subjects",)
    return (
        Profile.objects.filter(user__is_active=True, deleted_at__isnull=True)
        .select_related("user")
        .prefetch_related(*related)
    )


def _count_of(rows: QuerySet) -> Subquery:
    """A correlated COUNT: one index lookup per profile, where two COUNT
    joins would multiply followers by those followed."""
    return Subquery(
        rows.order_by()
        .values("pk")
        .annotate(total=Func("pk", function="COUNT"))
        .values("total")[:1]
    )


def profile_get_for_space(
    *, username: str, viewer=None, details: bool = True, portfolio: bool = False
) -> Profile:
    """The profile behind ``/u/<username>/``, with counts of followers and following.

    With its subjects; with ``details`` (the profile page) its grades and
    interests too, which the other pages of the space do not show.

    With a signed-in ``viewer``, also whether they follow or block the member
    and whether the member blocks them (for ``space_context`` and the
    permission checks), in the same query; with ``portfolio``, which of the
    portfolio's sections hold anything (``portfolio.portfolio_held``).
    Raises Http404 for unknown, deactivated and deleted members alike.
    """
    profiles = _space_profiles(details=details).annotate(
        follower_count=_count_of(Follow.objects.filter(followee=OuterRef("user_id"))),
        following_count=_count_of(Follow.objects.filter(follower=OuterRef("user_id"))),
    )
    if viewer is not None and viewer.is_authenticated:
        profiles = profiles.annotate(
            viewer_following=Exists(
                Follow.objects.filter(follower=viewer, followee=OuterRef("user_id"))
            ),
            viewer_blocking=Exists(
                Block.objects.filter(blocker=viewer, blocked=OuterRef("user_id"))
            ),
            viewer_blocked=Exists(
                Block.objects.filter(blocker=OuterRef("user_id"), blocked=viewer)
            ),
        )
    if portfolio:
        from accounts.portfolio import portfolio_held

        profiles = profiles.annotate(**portfolio_held(OuterRef("user_id")))
    profile = profiles.filter(user__username=username).first()
    if profile is None:
        raise Http404
    if hasattr(profile, "viewer_blocked"):
        # Asked by the permission checks (``is_blocked_by``): answered here.
        profile.user.__dict__["_blocks_viewer"] = {viewer.pk: profile.viewer_blocked}
    return profile


def space_context(*, viewer: User | AnonymousUser, profile: Profile, tab: str) -> dict:
    """What ``accounts/space_base.html`` needs about the viewer and the owner.

    Keys: space_profile, space_tab, is_following and is_blocking (both False
    for anonymous visitors and for the owner). No query for a profile read
    with the viewer (``profile_get_for_space``), two at most otherwise.
    """
    is_following = is_blocking = False
    if viewer.is_authenticated and viewer.pk != profile.user_id:
        if hasattr(profile, "viewer_following"):
            is_following = profile.viewer_following
            is_blocking = profile.viewer_blocking
        else:
            is_following = Follow.objects.filter(
                follower=viewer, followee=profile.user_id
            ).exists()
            is_blocking = Block.objects.filter(
                blocker=viewer, blocked=profile.user_id
            ).exists()
    return {
        "space_profile": profile,
        "space_tab": tab,
        "is_following": is_following,
        "is_blocking": is_blocking,
    }


def post_list_latest_for_profile(*, profile: Profile) -> list[BlogPost]:
    """The member's newest published posts for the profile page; drafts never."""
    return list(
        BlogPost.objects.published()
        .filter(author_id=profile.user_id)
        .only("title", "slug", "published_at", "author_id")
        .order_by("-published_at")[:LATEST_POSTS_ON_PROFILE]
    )


def _name_matches(query: str) -> Q:
    """Case-insensitive name search that also holds for Cyrillic on SQLite.

    SQLite's LIKE folds only ASCII letters, so the usual spellings of the
    query are tried as well; PostgreSQL's icontains needs none of them.
    """
    condition = Q(display_name__icontains=query)
    for variant in {query.lower(), query.capitalize(), query.title(), query.upper()}:
        condition |= Q(display_name__contains=variant)
    return condition


def profile_list_for_directory(
    *,
    query: str = "",
    subject: Subject | None = None,
    grade: Grade | None = None,
    region: str = "",
    category: str | None = None,
) -> QuerySet[Profile]:
    """Members listed in the directory, filtered; unlisted, deleted and hidden
    (by a moderator) ones left out."""
    profiles = (
        Profile.objects.filter(
            user__is_active=True,
            deleted_at__isnull=True,
            listed_in_directory=True,
            is_hidden=False,
        )
        .select_related("user")
        .prefetch_related(Prefetch("subjects", queryset=Subject.objects.order_by()))
        .order_by("display_name", "pk")
    )
    if query.strip():
        profiles = profiles.filter(_name_matches(query.strip()))
    if subject is not None:
        profiles = profiles.filter(subjects=subject)
    if grade is not None:
        profiles = profiles.filter(grades=grade)
    if region:
        profiles = profiles.filter(region=region)
    if category is not None:
        profiles = profiles.filter(category=category)
    return profiles.distinct()


MENTION_SUGGESTIONS = 8
MENTION_QUERY_MIN = 2


def profile_list_for_mention(*, query: str, viewer: User) -> list[dict[str, str]]:
    """Colleagues to mention whose name holds ``query``: at most eight, in one query.

    Each is ``{"username", "name"}``: the forums' mention parser resolves
    ``@username``, the name is what the member recognises. Only members the
    directory lists (they chose to be found by name) and who could be
    mentioned: active, not deleted, not hidden, not the viewer, not someone
    who blocks the viewer. A query shorter than two letters asks nothing.
    """
    query = query.strip()[:100]
    if len(query) < MENTION_QUERY_MIN:
        return []
    rows = (
        Profile.objects.filter(
            _name_matches(query) | Q(user__username__istartswith=query),
            user__is_active=True,
            deleted_at__isnull=True,
            listed_in_directory=True,
            is_hidden=False,
        )
        .exclude(user=viewer)
        .exclude(user__blocking_set__blocked=viewer)
        .order_by("display_name", "pk")
        .values_list("user__username", "display_name")[:MENTION_SUGGESTIONS]
    )
    return [{"username": username, "name": name} for username, name in rows]


def profile_list_of_users(*, users: QuerySet[User]) -> QuerySet[Profile]:
    """Profiles of ``users`` (a subquery) for member lists, deleted ones left out."""
    return (
        Profile.objects.filter(user__in=users, deleted_at__isnull=True)
        .filter(user__is_active=True)
        .select_related("user")
        .prefetch_related("subjects")
    )


def follower_count(*, user: User) -> int:
    """How many follow the member, as the profile's "Colleagues" line counts."""
    return Follow.objects.filter(followee=user).count()


def follower_profiles(*, user: User) -> QuerySet[Profile]:
    followers = Follow.objects.filter(followee=user).values("follower")
    return profile_list_of_users(users=followers).order_by("display_name", "pk")


def following_profiles(*, user: User) -> QuerySet[Profile]:
    followed = Follow.objects.filter(follower=user).values("followee")
    return profile_list_of_users(users=followed).order_by("display_name", "pk")


def blocked_profiles(*, user: User) -> QuerySet[Profile]:
    blocked = Block.objects.filter(blocker=user).values("blocked")
    return (
        Profile.objects.filter(user__in=blocked)
        .select_related("user")
        .order_by("display_name", "pk")
    )


def subject_ids_by_member(*, user_ids: list[int]) -> dict[int, set[int]]:
    """The subjects each member teaches, for a batch (one query)."""
    found: dict[int, set[int]] = {}
    for user_id, subject_id in Profile.subjects.through.objects.filter(
        profile__user__in=user_ids
    ).values_list("profile__user_id", "subject_id"):
        found.setdefault(user_id, set()).add(subject_id)
    return found


def profile_list_for_interest(*, tag, viewer) -> QuerySet[Profile]:
    """Members with ``tag`` among their interests, as the directory lists them
    (unlisted ones, and those hidden by a moderator, left out), plus the
    viewer themself; hidden ones also for moderators. Deleted never."""
    shown = Q(listed_in_directory=True)
    if not can_moderate_profiles(viewer):
        shown &= Q(is_hidden=False)
    if viewer.is_authenticated:
        shown |= Q(user_id=viewer.pk)
    return (
        Profile.objects.filter(
            shown, interests=tag, user__is_active=True, deleted_at__isnull=True
        )
        .select_related("user")
        .prefetch_related(Prefetch("subjects", queryset=Subject.objects.order_by()))
        .order_by("display_name", "pk")
    )


def email_taken(email: str) -> bool:
    """Whether an account has this address, as its own or as a second one (any case).

    allauth counts second addresses too: one address, one account.
    """
    from allauth.account.models import EmailAddress

    email = email.strip()
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )
