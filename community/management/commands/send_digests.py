"""Send (or show) the digests due now; the beat does the same every hour."""

import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community import digests
from community.management.base import SiteCommand
from community.models import DigestLog
from community.notifications import preferences

BATCH = 500


class Command(SiteCommand):
    help = gettext_lazy(
        "Send the digests of members whose local morning it is. With --everyone, "
        "every digest reader gets this period's digest now (each at most once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("show who would get what; send and record nothing"),
        )
        parser.add_argument(
            "--everyone",
            action="store_true",
            help=_("ignore the local hour: all members of each digest frequency"),
        )

    def _due(self, *, everyone: bool, now: datetime.datetime):
        if not everyone:
            yield from digests.digest_recipients_due(now=now)
            return
        for period in (DigestLog.Period.DAILY, DigestLog.Period.WEEKLY):
            for user, zone, language in preferences().digest_recipients(period, None):
                if not digests.is_away(user, now):
                    start = digests.period_start_for(
                        period=period, now=now, time_zone=zone
                    )
                    yield user, language, period, start

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        due = list(self._due(everyone=options["everyone"], now=now))
        sent = empty = skipped = 0
        for offset in range(0, len(due), BATCH):
            batch = due[offset : offset + BATCH]
            for period in PERIODS:
                members = [row for row in batch if row[2] == period]
                if not members:
                    continue
                since = now - datetime.timedelta(days=digests.PERIOD_DAYS[period])
                contents = digests.digest_contents(
                    users=[row[0] for row in members], since=since
                )
                for user, language, _period, start in members:
                    content = contents[user.pk]
                    if options["dry_run"]:
                        self.stdout.write(self._preview(user, period, start, content))
                        continue
                    log = digests.digest_send(
                        user=user,
                        language=language,
                        period=period,
                        period_start=start,
                        content=content,
                    )
                    if log is None:
                        skipped += 1
                    elif log.status == DigestLog.Status.EMPTY:
                        empty += 1
                    else:
                        sent += 1
        if options["dry_run"]:
            self.stdout.write(
                ngettext(
                    "%(count)d member is due a digest; nothing sent (dry run).",
                    "%(count)d members are due a digest; nothing sent (dry run).",
                    len(due),
                )
                % {"count": len(due)}
            )
            return
        counts = {
            "sent": ngettext("%(count)d digest sent", "%(count)d digests sent", sent),
            "empty": ngettext(
                "nothing new for %(count)d member (no e-mail)",
                "nothing new for %(count)d members (no e-mail)",
                empty,
            ),
            "skipped": ngettext(
                "%(count)d was already sent this period",
                "%(count)d were already sent this period",
                skipped,
            ),
        }
        self.stdout.write(
            _("%(sent)s; %(empty)s; %(skipped)s.")
            % {
                "sent": counts["sent"] % {"count": sent},
                "empty": counts["empty"] % {"count": empty},
                "skipped": counts["skipped"] % {"count": skipped},
            }
        )

    def _preview(
        self, user, period: str, start: datetime.date, content: digests.DigestContent
    ) -> str:
        """What --dry-run says about one member's digest."""
        notifications = len(content.notifications)
        items = sum(len(items) for _section, items in content.sections)
        line = _(
            "%(email)s: %(digest)s from %(start)s, %(notifications)s, %(items)s"
        ) % {
            "email": user.email,
            "digest": PERIOD_NAMES[period],
            "start": date_format(start),
            "notifications": ngettext(
                "%(count)d notification", "%(count)d notifications", notifications
            )
            % {"count": notifications},
            "items": ngettext(
                "%(count)d item in its sections",
                "%(count)d items in its sections",
                items,
            )
            % {"count": items},
        }
        if content.is_empty:
            line = _("%(line)s (nothing new: no e-mail)") % {"line": line}
        return line


PERIODS = (DigestLog.Period.DAILY, DigestLog.Period.WEEKLY)
PERIOD_NAMES = {
    DigestLog.Period.DAILY: gettext_lazy("daily digest"),
    DigestLog.Period.WEEKLY: gettext_lazy("weekly digest"),
}
