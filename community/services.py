"""Site-wide writes: heartbeats, Markdown images, mail, notifications, activity."""

import uuid
from collections.abc import Iterable

from allauth.account.utils import user_display
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import (
    Case,
    DateTimeField,
    F,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from community import limits
from community.changes import unread_changed
from community.claims import (
    SWEEP_HORIZON,
    claim_cutoff,
    claim_expired,
    claim_take_many,
    rows_update,
)
from community.emails import render_email_subject, render_email_text
from community.images import image_clean
from community.lookups import Ids
from community.models import (
    ActivityEvent,
    AuditEntry,
    Heartbeat,
    Notification,
    RequestTrace,
)
from community.notifications import notification_kind, preferences
from community.push import PUSH_BATCH, push_available, push_due


def heartbeat_record(*, name: str) -> Heartbeat:
    """Mark `name` (a worker, beat) as alive now. Harmless to run twice."""
    heartbeat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now()}
    )
    return heartbeat


def markdown_image_store(*, user, upload: UploadedFile) -> str:
    """Check and re-encode an image for a member's Markdown text; return its URL.

    Raises ParticipationRestricted for a suspended or banned member,
    ValidationError past a new member's hourly limit (code "rate") or for a
    bad picture (see community.images.image_clean). The file is written only
    once it has passed, under a random name with the extension of the
    detected format, so nothing a browser sent names the stored file.
    """
    from community.standing import participation_check

    participation_check(user)
    limits.write_limit_check(user, limits.IMAGES)
    clean = image_clean(
        upload,
        max_bytes=settings.MARKDOWNX_UPLOAD_MAX_SIZE,
        max_side=settings.MARKDOWNX_IMAGE_MAX_SIZE["size"][0],
    )
    name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{clean.extension}"
    stored = default_storage.save(name, ContentFile(clean.content))
    return default_storage.url(stored)


def email_send(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str = "",
    html: str = "",
    headers: dict[str, str] | None = None,
    connection=None,
) -> None:
    """Send one rendered e-mail now; SMTP errors propagate for the task to retry.

    ``connection``: an open mail connection to reuse (one SMTP session for
    many letters); by default one is opened for this letter.
    """
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


# --- notifications ------------------------------------------------------------

UNSUBSCRIBE_SALT = "community.unsubscribe"


def _display(user) -> str:
    return user_display(user) if user is not None else ""


def notification_text(notification: Notification) -> str:
    """The notification's line, in the active language."""
    kind = notification.kind_info
    values = {
        "actor": _display(notification.actor),
        "target": notification.target_title,
        "count": notification.count,
    }
    template = kind.many if notification.count > 1 else kind.one
    return str(template) % values


@transaction.atomic
def notify(
    *,
    recipient,
    kind: str,
    url: str,
    actor=None,
    target: Model | None = None,
    target_title: str = "",
    group: bool = True,
) -> Notification | None:
    """Tell ``recipient`` about an event, as their preference for its kind says.

    Nothing happens for oneself, for inactive members, or when the member
    switched the kind off. An unread notification of the same kind about the
    same target absorbs repeats ("3 new comments on …"). With the e-mail
    preference, the e-mail is enqueued after commit; a mandatory kind (no
    preference: sanctions) is always stored and e-mailed at once. Raises
    LookupError for an unregistered kind.
    """
    info = notification_kind(kind)
    if not recipient.is_active or (actor is not None and actor.pk == recipient.pk):
        return None
    # A notice about the member's own account ignores their switches.
    delivery = (
        "email"
        if info.mandatory
        else preferences().delivery(recipient, info.preference)
    )
    if delivery == "off":
        return None
    if delivery == "digest" and info.urgent:
        delivery = "email"
    target_type = ContentType.objects.get_for_model(target) if target else None
    group_key = _group_key(kind, target_type, target) if group else ""
    now = timezone.now()
    push_due_at = _push_due_at([recipient.pk], info, now).get(recipient.pk)
    existing = None
    if group_key:
        _group_lock(group_key)
        # Newest first, as notify_many takes the group's rows.
        existing = (
            Notification.objects.select_for_update()
            .filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
            .order_by("-pk")
            .first()
        )
    # The sweep (notification_emails_sweep) sends what a lost task did not.
    email_queued_at = now if delivery == "email" else None
    if existing is not None:
        existing.count = F("count") + 1
        existing.actor = actor
        existing.updated_at = now
        existing.url = url
        fields = ["count", "actor", "updated_at", "url"]
        if email_queued_at is not None:
            existing.email_queued_at = email_queued_at
            fields.append("email_queued_at")
        if push_due_at is not None:
            # A repeat owes a new push (with the new count), even while a
            # run pushes the old one: its claim is taken from it.
            existing.push_due_at = push_due_at
            existing.pushed_at = existing.push_claimed_at = None
            fields += ["push_due_at", "pushed_at", "push_claimed_at"]
        existing.save(update_fields=fields)
        existing.refresh_from_db(fields=["count"])
        notification = existing
    else:
        notification = _notification_new(
            recipient_id=recipient.pk,
            kind=kind,
            actor=actor,
            target_type=target_type,
            target=target,
            target_title=target_title,
            url=url,
            group_key=group_key,
            now=now,
            email_queued_at=email_queued_at,
            push_due_at=push_due_at,
        )
        notification.save()
        notification_unread_forget(user_pk=recipient.pk)
    if delivery == "email":
        from community.tasks import notification_email_task

        pk = notification.pk
        transaction.on_commit(lambda: notification_email_task.delay(pk))
    if push_due_at is not None and push_due_at <= now and _pushes_after_commit():
        pushes = [notification.pk]
        transaction.on_commit(lambda: _pushes_enqueue(pushes))
    return notification


def _push_due_at(member_ids: list[int], info, now) -> dict:
    """{member: when her push is due} for those who get one (push on for the
    kind's preference, a device switched on): one query, and none at all
    while push is off site-wide. A mandatory notice and a kind that may
    wake her (``at_night``: news that would come too late in the morning)
    are pushed at once; the rest — a colleague's message too — wait out her
    quiet hours. (``urgent`` says only that a digest reader gets the
    e-mail at once.)"""
    if not push_available():
        return {}
    at_night = info.at_night or info.mandatory
    return {
        pk: push_due(now, zone, at_night=at_night)
        for pk, zone in preferences().pushes(member_ids, info.preference).items()
    }


def _pushes_after_commit() -> bool:
    """Pushes due now go by a task after commit; without a worker (tasks run
    in the request) the sweep sends them instead, so that no request waits
    on a push service."""
    return settings.PUSH_SEND_AFTER_COMMIT


def _pushes_enqueue(pks: list[int]) -> None:
    from community.tasks import push_send_task

    for start in range(0, len(pks), PUSH_BATCH):
        push_send_task.delay(pks[start : start + PUSH_BATCH])


def _notification_new(
    *, recipient_id: int, target: Model | None, target_title: str, now, **fields
) -> Notification:
    """A new notification row (not saved), the same for notify and notify_many."""
    return Notification(
        recipient_id=recipient_id,
        target_id=target.pk if target is not None else None,
        target_title=target_title[:200],
        updated_at=now,
        **fields,
    )


def _group_key(kind: str, target_type: ContentType | None, target) -> str:
    return f"{kind}:{target_type.pk}:{target.pk}" if target is not None else kind


def _group_lock(group_key: str) -> None:
    """Hold the notification group until the transaction ends (PostgreSQL).

    Two transactions adding to one group at once (replies to one topic told
    by two workers) would each find no unread row and each create one; taken
    in turn, the second adds to the first's row. SQLite writes one at a time.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"notify:{group_key}"]
        )


def _group_take(group_key: str, members: Q) -> list[tuple]:
    """Lock the group until the transaction ends (``_group_lock``), then the
    unread rows of ``members`` in it, newest first, in one statement: the
    order the e-mail runs' claims and marks take them in too
    (``claims.rows_update``), so that neither waits for a row the other holds
    while holding one the other waits for. Returns (recipient, row, e-mailed
    at, e-mail queued at) of each row, newest first."""
    _group_lock(group_key)
    return list(
        Notification.objects.select_for_update()
        .filter(members, group_key=group_key, read_at__isnull=True)
        .order_by("-pk")
        .values_list("recipient_id", "pk", "emailed_at", "email_queued_at")
    )


def notification_group_take(
    *, kind: str, target: Model | None, recipients: Iterable
) -> None:
    """Hold a notification group until the transaction ends: its lock, and
    the unread rows in it of ``recipients`` (members, or a queryset of
    them), newest first, in one statement (PostgreSQL; nothing on SQLite).

    ``notify_many`` takes the rows of its own recipients so. A transaction
    that tells one group in several calls (a topic's watchers, in lines that
    count different replies) takes it here first with all of them: else a
    later call would wait for a row while holding the earlier calls' rows,
    against an e-mail run taking the same rows newest first — a deadlock.
    Call it in a transaction.
    """
    if connection.vendor != "postgresql":
        return
    if isinstance(recipients, QuerySet):
        members = Q(recipient_id__in=recipients.values("pk"))
    else:
        members = Q(recipient_id__any_of=Ids(user.pk for user in recipients))
    target_type = ContentType.objects.get_for_model(target) if target else None
    _group_take(_group_key(kind, target_type, target), members)


@transaction.atomic
def notify_many(
    *,
    recipients: Iterable,
    kind: str,
    url: str,
    actor=None,
    target: Model | None = None,
    target_title: str = "",
    group: bool = True,
    times: int = 1,
) -> int:
    """``notify`` for many members at once, in a fixed number of queries.

    ``times``: how many events this tells of at once (several replies to one
    topic told together): a group's unread line counts them all.

    The same rules for each recipient (oneself, inactive members and the
    kind switched off are left out; an unread notification of the group
    absorbs the repeat; e-mails enqueued after commit), whatever their
    number: one query for the preferences, one UPDATE for the repeats, one
    INSERT for the rest. Returns how many members were told. Raises
    LookupError for an unregistered kind.
    """
    info = notification_kind(kind)
    # A queryset of members is read as keys and flags, not as whole rows.
    if isinstance(recipients, QuerySet):
        pairs = recipients.values_list("pk", "is_active")
    else:
        pairs = ((user.pk, user.is_active) for user in recipients)
    members = [
        pk for pk, active in pairs if active and (actor is None or actor.pk != pk)
    ]
    if not members:
        return 0
    deliveries = preferences().deliveries(members)
    chosen: dict[int, str] = {}
    for pk in members:
        delivery = "email" if info.mandatory else deliveries[(pk, info.preference)]
        if delivery == "digest" and info.urgent:
            delivery = "email"
        if delivery != "off":
            chosen[pk] = delivery
    if not chosen:
        return 0
    target_type = ContentType.objects.get_for_model(target) if target else None
    group_key = _group_key(kind, target_type, target) if group else ""
    now = timezone.now()
    push_due_at = _push_due_at(list(chosen), info, now)
    # recipient: (row, whether an e-mail was sent or is owed for it already)
    repeats: dict[int, tuple[int, bool]] = {}
    if group_key:
        # Its rows locked in one statement, newest first (``_group_take``).
        rows = _group_take(group_key, Q(recipient_id__any_of=Ids(chosen)))
        for recipient_id, pk, emailed_at, queued_at in rows:  # newest first
            repeats.setdefault(recipient_id, (pk, bool(emailed_at or queued_at)))
        for by_email in (True, False):
            pks = [
                pk
                for recipient_id, (pk, _emailed) in repeats.items()
                if (chosen[recipient_id] == "email") == by_email
            ]
            # The sweep (notification_emails_sweep) sends what a lost task did not.
            owed = {"email_queued_at": now} if by_email else {}
            owed.update(_push_repeats_owed(repeats, push_due_at))
            Notification.objects.filter(pk__any_of=Ids(pks)).update(
                count=F("count") + times, actor=actor, updated_at=now, url=url, **owed
            )
    fresh = Notification.objects.bulk_create(
        [
            _notification_new(
                recipient_id=pk,
                kind=kind,
                actor=actor,
                target_type=target_type,
                target=target,
                target_title=target_title,
                url=url,
                group_key=group_key,
                now=now,
                email_queued_at=now if chosen[pk] == "email" else None,
                push_due_at=push_due_at.get(pk),
                count=times,
            )
            for pk in chosen
            if pk not in repeats
        ]
    )
    # Their unread counts changed: one round trip to the cache for all.
    unread_changed(notification.recipient_id for notification in fresh)
    # A repeat already e-mailed is not e-mailed again (notification_email_send);
    # one whose e-mail is owed is sent, with the new count, by the task already
    # queued (or the sweep): no second task, however many replies follow.
    emails = [
        notification.pk
        for notification in fresh
        if chosen[notification.recipient_id] == "email"
    ] + [
        pk
        for recipient_id, (pk, mailed) in repeats.items()
        if chosen[recipient_id] == "email" and not mailed
    ]
    if emails:
        transaction.on_commit(lambda: _notification_emails_enqueue(emails))
    # Pushes due now go after commit (without a worker, by the sweep); the
    # rest wait for the sweep.
    due_now = {pk for pk, at in push_due_at.items() if at <= now}
    if not _pushes_after_commit():
        due_now = set()
    pushes = [row.pk for row in fresh if row.recipient_id in due_now] + [
        pk for recipient_id, (pk, _mailed) in repeats.items() if recipient_id in due_now
    ]
    if pushes:
        transaction.on_commit(lambda: _pushes_enqueue(pushes))
    return len(chosen)


def _push_repeats_owed(repeats: dict, push_due_at: dict) -> dict:
    """The columns a repeat's UPDATE sets for the push it owes (with the new
    count): for each member who gets one, when it is due, and not pushed
    nor claimed (a run pushing the old count loses its claim). Expressions
    on the row's key, so the repeats stay one UPDATE."""
    due: dict = {}
    for recipient_id, (pk, _mailed) in repeats.items():
        if recipient_id in push_due_at:
            due.setdefault(push_due_at[recipient_id], []).append(pk)
    if not due:
        return {}
    owing = Ids(pk for pks in due.values() for pk in pks)
    cleared = {
        field: Case(
            When(pk__any_of=owing, then=Value(None)),
            default=F(field),
            output_field=DateTimeField(),
        )
        for field in ("pushed_at", "push_claimed_at")
    }
    return {
        "push_due_at": Case(
            *(When(pk__any_of=Ids(pks), then=Value(at)) for at, pks in due.items()),
            default=F("push_due_at"),
            output_field=DateTimeField(),
        ),
        **cleared,
    }


def _notification_emails_enqueue(pks: list[int]) -> None:
    from community.tasks import notification_emails_task

    for start in range(0, len(pks), EMAIL_BATCH):
        notification_emails_task.delay(pks[start : start + EMAIL_BATCH])


def notification_unread_forget(*, user_pk: int) -> None:
    """The member's unread count changed: their version moves on (now and
    after commit), so a count made meanwhile from the old rows is not used."""
    unread_changed([user_pk])


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        notification_unread_forget(user_pk=notification.recipient_id)


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the member read; returns how many."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification_unread_forget(user_pk=user.pk)
    return count


def unsubscribe_token(*, user, preference: str) -> str:
    """A signed token that switches one kind of e-mail off without a login."""
    return signing.dumps({"u": user.pk, "p": preference}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user, preference: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "unsubscribe",
        kwargs={"token": unsubscribe_token(user=user, preference=preference)},
    )


def unsubscribe_by_token(*, token: str, user_model) -> tuple[object, str]:
    """Apply an unsubscribe link; returns (member, preference).

    Raises signing.BadSignature for a forged or damaged token and
    user_model.DoesNotExist when the member is gone.
    """
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = user_model.objects.get(pk=data["u"], is_active=True)
    preferences().unsubscribe(user, data["p"])
    return user, data["p"]


# Notifications e-mailed by one task: a fan-out's letters go in a few tasks,
# each reading its rows, claiming them and marking them sent in one query.
EMAIL_BATCH = 100
_EMAIL_OWED = Q(emailed_at__isnull=True, read_at__isnull=True, digested_at__isnull=True)


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification (``notification_emails_send``); False when
    there was nothing to send."""
    return bool(notification_emails_send(notification_ids=[notification_id]))


def notification_emails_send(*, notification_ids: Iterable[int]) -> int:
    """E-mail notifications, each in its member's language; harmless twice.

    The rows are claimed first, all in one statement (``community.claims``):
    a second run while the first may be alive sends none of them, and rows a
    dead run left are taken over once its claim is stale. Nothing is sent for
    a row already e-mailed, read, in a digest or gone. The letters share one
    SMTP session. An SMTP error marks what was sent, gives the rest back (no
    longer queued: the sweep never starts a second chain of retries) and
    propagates, so that the task retries; an unsent notice stays on the site
    and goes into the next digest. Returns how many were sent. Three queries
    for the batch (claim, read with both members' profiles, mark), and one
    for each kind in it whose letters quote a text (``email_text``).
    """
    claimed_at, pks = claim_take_many(
        Notification,
        pks=sorted(set(notification_ids))[:EMAIL_BATCH],
        field="email_claimed_at",
        ready=_EMAIL_OWED,
    )
    if not pks:
        return 0
    # The names and the recipients' languages come from the profiles: read
    # with the rows (one query, not one per name).
    notifications = list(
        Notification.objects.select_related("recipient__profile", "actor__profile")
        .filter(pk__any_of=Ids(pks))
        .order_by("pk")
    )
    quotes = _email_quotes(notifications)
    sent: list[int] = []
    failed = False
    try:
        with get_connection() as smtp:
            for notification in notifications:
                if claim_expired(claimed_at):
                    break  # this run took too long: the rest is another run's
                if notification.recipient.email:
                    email_send(
                        **_notification_email(
                            notification, quote=quotes.get(notification.pk, "")
                        ),
                        connection=smtp,
                    )
                    sent.append(notification.pk)
    except Exception:
        failed = True
        raise
    finally:
        # Both marks lock their rows newest first, as a fan-out adding to
        # them takes them (``claims.rows_update``).
        if sent:
            rows_update(Notification, pks=sent, emailed_at=timezone.now())
        unsent = [pk for pk in pks if pk not in set(sent)]
        if unsent:
            # Given back for the task's own retry (or, never sent, the sweep).
            given_back = {"email_queued_at": None} if failed else {}
            rows_update(
                Notification,
                pks=unsent,
                where=Q(email_claimed_at=claimed_at),
                email_claimed_at=None,
                **given_back,
            )
    return len(sent)


def _email_quotes(notifications: list[Notification]) -> dict[int, str]:
    """What the letters quote under their line, from the kinds that say
    (``NotificationKind.email_text``: a message's text): one call per such
    kind in the batch."""
    by_kind: dict[str, list[Notification]] = {}
    for notification in notifications:
        by_kind.setdefault(notification.kind, []).append(notification)
    quotes: dict[int, str] = {}
    for kind, batch in by_kind.items():
        try:
            email_text = notification_kind(kind).email_text
        except LookupError:  # a kind no app registers any more: its line only
            continue
        if email_text is not None:
            quotes.update(email_text(batch))
    return quotes


def _notification_email(notification: Notification, *, quote: str = "") -> dict:
    """The letter of one notification, rendered in its member's language;
    ``quote``: the text it carries under its line (a message's)."""
    recipient = notification.recipient
    preference = notification.kind_info.preference
    # A mandatory notice (no preference) offers nothing to unsubscribe from.
    link = unsubscribe_url(user=recipient, preference=preference) if preference else ""
    with translation.override(preferences().language(recipient)):
        context = {
            "notification": notification,
            "text": notification_text(notification),
            "url": settings.SITE_URL.rstrip("/") + notification.url,
            "unsubscribe_url": link,
            "recipient_name": _display(recipient),
            "quote": quote,
        }
        return {
            "subject": render_email_subject(
                "community/email/notification_subject.txt", context
            ),
            "body": render_email_text("community/email/notification.txt", context),
            "html": render_to_string("community/email/notification.html", context),
            "to": [recipient.email],
            "headers": {
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            if link
            else {},
        }


def notification_emails_sweep(*, now=None) -> int:
    """Enqueue again the e-mails owed whose task was lost or died.

    An e-mail queued before the claim cutoff (within the sweep's horizon),
    neither sent, read nor put in a digest, and not claimed by a run that may
    be alive. A task still waiting in the queue meanwhile is harmless: the
    claim lets only one of the two send. Returns how many were enqueued.
    """
    now = now or timezone.now()
    cutoff = claim_cutoff(now)
    owed = (
        Notification.objects.filter(
            Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=cutoff),
            email_queued_at__lt=cutoff,
            email_queued_at__gte=now - SWEEP_HORIZON,
            emailed_at__isnull=True,
            read_at__isnull=True,
            digested_at__isnull=True,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .order_by()
        .values_list("pk", flat=True)
    )
    pks = list(owed)
    _notification_emails_enqueue(pks)
    return len(pks)


def activity_record(
    *, actor, kind: str, target: Model, title: str, url: str, subjects=(), at=None
) -> None:
    """Put a public action in the feeds; recording the same one twice is harmless.

    One INSERT that does nothing when the action is in the feeds already (a
    reply's event is a statement, not a read, a savepoint and a write).
    ``at``: when it happened, for an action put back in the feeds later
    (now when not given).
    """
    event = ActivityEvent(
        kind=kind,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        actor=actor,
        title=title[:200],
        url=url,
        created_at=at or timezone.now(),
    )
    if not subjects:
        ActivityEvent.objects.bulk_create([event], ignore_conflicts=True)
        return
    event, created = ActivityEvent.objects.get_or_create(
        kind=kind,
        target_type=event.target_type,
        target_id=event.target_id,
        defaults={
            "actor": actor,
            "title": event.title,
            "url": url,
            "created_at": event.created_at,
        },
    )
    if created:
        event.subjects.set(subjects)


def activity_remove(*, kind: str, target: Model) -> None:
    """Take an action out of the feeds (the post went back to drafts, or is gone)."""
    ActivityEvent.objects.filter(
        kind=kind,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
    ).delete()


def activity_remove_many(*, kinds, model: type[Model], target_ids) -> None:
    """Take the actions ``kinds`` on ``model``'s rows ``target_ids`` (a list or
    a subquery of primary keys) out of the feeds, in one statement per table."""
    ActivityEvent.objects.filter(
        kind__in=list(kinds),
        target_type=ContentType.objects.get_for_model(model),
        target_id__in=target_ids,
    ).delete()


def audit(*, actor, action: str, target: Model, reason: str = "") -> AuditEntry:
    """Put a decision on record (read-only in the admin site)."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_title=str(target)[:200],
        reason=reason[:500],
    )


def trace_record(*, user, action: str, ip_address: str | None, user_agent: str):
    """Keep where a write came from, for abuse checks (deleted after a while)."""
    return RequestTrace.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action[:40],
        ip_address=ip_address or None,
        user_agent=user_agent[:300],
    )


def traces_purge(*, now=None) -> int:
    """Delete traces older than MODERATION_TRACE_DAYS; returns how many."""
    import datetime

    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=settings.MODERATION_TRACE_DAYS
    )
    deleted, _by_model = RequestTrace.objects.filter(created_at__lt=cutoff).delete()
    return deleted
