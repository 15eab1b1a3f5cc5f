from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Subject(models.Model):
    """A school subject or speciality: the shared vocabulary of every section."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_ru = models.CharField(_("name in Russian"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return (
            self.name_en if (get_language() or "ru").startswith("en") else self.name_ru
        )


class Grade(models.Model):
    """A level taught: preschool, grades 1 to 11, college, additional education."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_ru = models.CharField(_("name in Russian"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return (
            self.name_en if (get_language() or "ru").startswith("en") else self.name_ru
        )


class Heartbeat(models.Model):
    """When a background process last proved it runs (shown by /healthz)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name
