from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from community.vocabulary import DEFAULT_TIME_ZONE, RUSSIAN_TIME_ZONES, Region


class User(AbstractUser):
    """A member's sign-in identity; everything a member shows others is on Profile."""

    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # One account per address, whatever its case; blank only for
            # accounts made without one (a social login that gave none).
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.username


class Profile(models.Model):
    """What a member shows colleagues: name, school, subjects, and preferences."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    display_name = models.CharField(_("display name"), max_length=100)
    school = models.CharField(_("school"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(
        _("region"), max_length=40, choices=Region.choices, blank=True
    )
    subjects = models.ManyToManyField(
        "community.Subject",
        blank=True,
        related_name="profiles",
        verbose_name=_("subjects taught"),
    )
    grades = models.ManyToManyField(
        "community.Grade",
        blank=True,
        related_name="profiles",
        verbose_name=_("grades"),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=RUSSIAN_TIME_ZONES,
        default=DEFAULT_TIME_ZONE,
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["display_name"]
        indexes = [models.Index(fields=["display_name"])]

    def __str__(self) -> str:
        return self.display_name


def user_display(user) -> str:
    """How allauth names a member in its messages and e-mails: the display name."""
    try:
        return user.profile.display_name or user.email
    except Profile.DoesNotExist:
        return user.email or user.username
