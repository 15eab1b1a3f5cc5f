"""Communities («Сообщества»): groups that teachers found themselves.

A community is proposed by a member with colleagues they invite as
co-founders; it opens when enough of them have accepted (``CIRCLES_QUORUM``
people, the founder counted), so it is never born empty. Its visibility says
who may read it (anyone, members of Kollegi, only its members), its joining
rule how one gets in (open, by request, by invitation; a private community is
always by invitation). It goes quiet (dormant) and is archived read-only when
nobody writes in it; a site moderator may hide it.

Counts shown in lists (``member_count``) are kept by the services.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from community.vocabulary import Region


def _cover_path(instance: "Community", filename: str) -> str:
    # A new name for every picture: a cached old one never stands in for it.
    return f"circles/covers/{secrets.token_hex(8)}-{filename}"


def _token() -> str:
    return secrets.token_urlsafe(24)


class Community(models.Model):
    """A group of colleagues with its own page, members and rules."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("anyone can read it")
        MEMBERS = "members", _("members of Kollegi can read it")
        PRIVATE = "private", _("only its members know it")

    class Joining(models.TextChoices):
        OPEN = "open", _("anyone may join")
        REQUEST = "request", _("by request")
        INVITATION = "invitation", _("by invitation only")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        OPEN = "open", _("open")
        DORMANT = "dormant", _("dormant")
        ARCHIVED = "archived", _("archived")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    purpose = models.TextField(_("purpose"), max_length=600)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    description_html = models.TextField(blank=True, editable=False)
    cover = models.ImageField(_("cover"), upload_to=_cover_path, blank=True)
    subject = models.ForeignKey(
        "community.Subject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
    )
    grades = models.ManyToManyField(
        "community.Grade", blank=True, related_name="+", verbose_name=_("grades")
    )
    region = models.CharField(
        _("region"), max_length=40, choices=Region.choices, blank=True
    )
    tags = TaggableManager(_("tags"), blank=True)
    visibility = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    joining = models.CharField(
        _("how to join"), max_length=10, choices=Joining.choices, default=Joining.OPEN
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    founder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="founded_communities",
        verbose_name=_("founder"),
    )
    member_count = models.PositiveIntegerField(_("members"), default=0)
    # Its own forum section (``forums``), made when it opens; its audience
    # (``community.audience``) follows the community's visibility.
    section = models.OneToOneField(
        "forums.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forum section"),
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # A private community is unknown to outsiders: nobody could ask.
            models.CheckConstraint(
                condition=~Q(visibility="private") | Q(joining="invitation"),
                name="circles_private_by_invitation",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-opened_at"], name="circles_open_newest"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("circles:detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.DORMANT)


class Membership(models.Model):
    """A member of a community, with their role and how much they hear."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MODERATOR = "moderator", _("moderator")
        MEMBER = "member", _("member")

    class Hearing(models.TextChoices):
        EVERYTHING = "everything", _("everything")
        DIGEST = "digest", _("in the digest")
        NOTHING = "nothing", _("nothing")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    hearing = models.CharField(
        _("notifications"),
        max_length=10,
        choices=Hearing.choices,
        default=Hearing.EVERYTHING,
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    # The member's last look at the community's page: noted in the cache on
    # GET, written by a beat task (``services.visits_flush``).
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True)

    class Meta:
        verbose_name = _("community membership")
        verbose_name_plural = _("community memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="circles_member_once"
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(role="owner"),
                name="circles_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} ({self.role})"


class JoinRequest(models.Model):
    """A member asks to join a community that takes members by request."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(status="pending"),
                name="circles_one_pending_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} asks {self.community_id}"


class Invitation(models.Model):
    """An invitation to join a community, or to found it with its founder.

    To a member (``user``) or to an e-mail address (``email``: the person
    joins Kollegi and the community from the link, ``token``).
    """

    class Purpose(models.TextChoices):
        COFOUNDER = "cofounder", _("to found it together")
        MEMBER = "member", _("to join")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        REVOKED = "revoked", _("revoked")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="community_invitations",
        verbose_name=_("member"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="circles_invitation_to_someone",
            ),
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(status="pending", user__isnull=False),
                name="circles_one_pending_invitation",
            ),
            models.UniqueConstraint(
                fields=["community", "email"],
                condition=Q(status="pending", user__isnull=True),
                name="circles_one_pending_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.email} to {self.community_id}"


class CommunityBan(models.Model):
    """A member removed from a community and kept out of it."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="bans"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("banned by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("banned"), auto_now_add=True)

    class Meta:
        verbose_name = _("community ban")
        verbose_name_plural = _("community bans")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="circles_ban_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} banned from {self.community_id}"


class OwnershipOffer(models.Model):
    """The owner (or, for a community left without one, the nightly task)
    offers the ownership to a member, who accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="ownership_offers"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("offered to"),
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offered by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("offered"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership offer")
        verbose_name_plural = _("ownership offers")
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(status="pending"),
                name="circles_one_pending_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} offered to {self.to_user_id}"


class CommunityMaterial(models.Model):
    """A material a member added to the community's collection. The material
    keeps its own visibility and licence: the collection only lists it, on
    the community's page, for those who may read the community."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="collection"
    )
    material = models.ForeignKey(
        "materials.Material", on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("material of a community")
        verbose_name_plural = _("materials of communities")
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "material"], name="circles_material_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_id} in {self.community_id}"
