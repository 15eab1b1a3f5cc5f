"""Make the square copies of avatars uploaded before they existed.

``manage.py avatar_sizes``: each avatar without its copies (or missing one)
gets them through ``services.profile_avatar_sizes_make``; a second run makes
nothing. A picture that cannot be read is named and left as it is.
"""

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import services
from accounts.models import Profile
from community.management.base import SiteCommand


class Command(SiteCommand):
    help = gettext_lazy(
        "Make the small copies of members' avatars that lack them "
        "(pictures uploaded before the copies were made on upload)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            metavar="N",
            help=_("profiles read at a time (default: %(default)s)"),
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        profiles = (
            Profile.objects.exclude(avatar="")
            .filter(deleted_at__isnull=True)
            .only("pk", "user_id", "avatar")
            .order_by("pk")
        )
        made = failed = 0
        for profile in profiles.iterator(chunk_size=max(batch_size, 1)):
            try:
                made += services.profile_avatar_sizes_make(profile=profile)
            except (OSError, ValueError) as error:
                failed += 1
                self.stderr.write(
                    _("The avatar %(name)s could not be read: %(error)s")
                    % {"name": profile.avatar.name, "error": error}
                )
        if made:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Copies made for %(count)d avatar.",
                        "Copies made for %(count)d avatars.",
                        made,
                    )
                    % {"count": made}
                )
            )
        elif not failed:
            self.stdout.write(_("Every avatar has its copies; nothing to do."))
