"""Send (or show) the digests due now; the beat does the same every hour."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from community import digests
from community.models import DigestLog
from community.notifications import preferences

BATCH = 500


class Command(BaseCommand):
    help = (
        "Send the digests of members whose local morning it is. With --everyone, "
        "every digest reader gets this period's digest now (each at most once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show who would get what; send and record nothing",
        )
        parser.add_argument(
            "--everyone",
            action="store_true",
            help="ignore the local hour: all members of each digest frequency",
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
                        self.stdout.write(
                            f"{user.email}: {period} {start}, "
                            f"{len(content.notifications)} notifications, "
                            f"{sum(len(items) for _s, items in content.sections)} "
                            "section items"
                            + (" (nothing new: no e-mail)" if content.is_empty else "")
                        )
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
            self.stdout.write(f"{len(due)} members due; nothing sent (dry run).")
        else:
            self.stdout.write(
                f"Digests: {sent} sent, {empty} with nothing new, "
                f"{skipped} already sent this period."
            )


PERIODS = (DigestLog.Period.DAILY, DigestLog.Period.WEEKLY)
