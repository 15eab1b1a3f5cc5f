"""Conversations («Сообщения») and consultation lines («консультативные линии»).

A conversation is a subject, its participants and its messages, numbered
without gaps (``Conversation.last_number``, taken under the conversation's
row lock). Private by consent: a first message to someone who does not follow
the sender waits as a request (``Participant.Status.REQUEST``), which reaches
neither the inbox's count nor e-mail until it is accepted. A participant who
left or was removed keeps what they could read (``Participant.visible_until``)
and reads nothing new. Staff read only what a participant reported: there is
no admin list of conversations or messages.

A consultation line belongs to the experts of a subject or to a community's
moderators; a member's question to it is a conversation of its own
(``Question``), which one expert takes, answers and may hand over.

Counts shown in lists (``last_number``, ``last_message_at``) are kept by the
services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WhoMayWrite(models.TextChoices):
    EVERYONE = "everyone", _("everyone")
    COLLEAGUES = "colleagues", _("colleagues")
    NOBODY = "nobody", _("nobody")


class MessageSettings(models.Model):
    """A member's choices for messages; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="message_settings",
        verbose_name=_("member"),
    )
    # Who may start a conversation with the member (staff always may).
    # Colleagues: people the member follows, of their school, of their
    # communities.
    who_may_write = models.CharField(
        _("who may write to me"),
        max_length=10,
        choices=WhoMayWrite.choices,
        default=WhoMayWrite.EVERYONE,
    )
    # Others in a group conversation see how far the member has read.
    read_receipts = models.BooleanField(_("show that I have read"), default=True)

    class Meta:
        verbose_name = _("message settings")
        verbose_name_plural = _("message settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.who_may_write}"


class Line(models.Model):
    """A consultation line: the experts of a subject, or a community's
    moderators, answer members' questions within ``answer_within_days``."""

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=5000)
    description_html = models.TextField(
        _("description, as shown"), editable=False, blank=True
    )
    subject = models.ForeignKey(
        "community.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_lines",
        verbose_name=_("subject"),
    )
    community = models.ForeignKey(
        "circles.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consultation_lines",
        verbose_name=_("community"),
    )
    answer_within_days = models.PositiveSmallIntegerField(
        _("answer within, days"), default=3
    )
    is_active = models.BooleanField(_("takes questions"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation line")
        verbose_name_plural = _("consultation lines")
        ordering = ["title"]
        constraints = [
            # Exactly one owner: a subject's experts or a community's moderators.
            models.CheckConstraint(
                condition=(
                    Q(subject__isnull=False, community__isnull=True)
                    | Q(subject__isnull=True, community__isnull=False)
                ),
                name="conversations_line_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(answer_within_days__gte=1, answer_within_days__lte=30),
                name="conversations_line_answer_within",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lines:detail", args=[self.slug])


class Conversation(models.Model):
    """A subject, its participants (``Participant``) and its messages."""

    subject = models.CharField(_("subject"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    # A question to a consultation line (``Question``): its asker and the
    # expert who holds it write; nobody adds members.
    is_question = models.BooleanField(_("consultation question"), default=False)
    # No message text leaves the site for it (e-mails say who wrote only).
    is_sensitive = models.BooleanField(_("sensitive"), default=False)
    # The number of the last message; the next one takes last_number + 1.
    last_number = models.PositiveIntegerField(_("messages"), default=0)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", args=[self.pk])


class Participant(models.Model):
    """A member in a conversation: how they stand in it and how far they read."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MEMBER = "member", _("member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("in the conversation")
        # A first message from someone the member does not follow: it waits.
        REQUEST = "request", _("request")
        IGNORED = "ignored", _("request ignored")
        REPORTED = "reported", _("request reported")
        LEFT = "left", _("left")
        REMOVED = "removed", _("removed")

    # Statuses that read the conversation as it goes on.
    READING = (Status.ACTIVE, Status.REQUEST)
    # In the conversation as the others see it: an ignored or reported
    # request looks to them like one still waiting (they are never told).
    SHOWN = (Status.ACTIVE, Status.REQUEST, Status.IGNORED, Status.REPORTED)

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversation_participations",
        verbose_name=_("member"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # The last message the member may read: set when they leave or are
    # removed (they read nothing new); None while they take part.
    visible_until = models.PositiveIntegerField(
        _("reads up to message"), null=True, blank=True
    )
    # How far the member has read, by message number (written by a task).
    read_number = models.PositiveIntegerField(_("read up to message"), default=0)
    is_muted = models.BooleanField(_("muted"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    # A request's answer, a report of it, a departure.
    answered_at = models.DateTimeField(_("request answered"), null=True, blank=True)
    # The member reported the request: never cleared, so its sender waits
    # CONVERSATIONS_REPORTED_REQUEST_DAYS whatever becomes of the row.
    request_reported_at = models.DateTimeField(
        _("request reported"), null=True, blank=True
    )
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="conversations_participant_once"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="conversations_part_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}: {self.status}"


class Message(models.Model):
    """A message, or an event the conversation shows in its place ("X left")."""

    class Kind(models.TextChoices):
        TEXT = "text", _("message")
        JOINED = "joined", _("added to the conversation")
        LEFT = "left", _("left the conversation")
        REMOVED = "removed", _("removed from the conversation")
        HANDED_OVER = "handed_over", _("question handed over")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # 1, 2, 3… in the conversation, without gaps.
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.TEXT
    )
    # A deleted account's messages stay, shown as «удалённый участник».
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="conversation_messages",
        verbose_name=_("author"),
    )
    # Whom an event is about (added, removed, handed over to).
    event_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about member"),
    )
    body = models.TextField(_("text"), max_length=20_000, blank=True)
    body_html = models.TextField(_("text, as shown"), editable=False, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Deleted by its author: a placeholder in its place, the text gone.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    # The fan-out (``services.fanout``): claimed before the participants are
    # told, done once; a claim a dead worker left goes stale and the sweep
    # enqueues the message again.
    fanout_claimed_at = models.DateTimeField(
        _("fan-out claimed"), null=True, blank=True
    )
    notified_at = models.DateTimeField(_("participants told"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["conversation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="conversations_message_number"
            ),
        ]
        indexes = [
            models.Index(
                fields=["author", "created_at"], name="conversations_msg_author"
            ),
            # The sweep of messages nobody was told about (``services.fanout``).
            models.Index(
                fields=["created_at"],
                name="conversations_msg_untold",
                condition=Q(notified_at__isnull=True, kind="text"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("conversations:message", args=[self.pk])


class Question(models.Model):
    """A member's question to a consultation line: a conversation of its own
    between the member and the expert who takes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an expert")
        TAKEN = "taken", _("taken by an expert")
        ANSWERED = "answered", pgettext_lazy("consultation question", "answered")
        WITHDRAWN = "withdrawn", pgettext_lazy("consultation question", "withdrawn")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="questions")
    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="question"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="line_questions",
        verbose_name=_("asked by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # The expert who holds it now (taken), or who answered it.
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="line_questions_taken",
        verbose_name=_("expert"),
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    # The expert answers by then, or the question is released to the others.
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    # Claimed once each, as review assignments' reminders are.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation question")
        verbose_name_plural = _("consultation questions")
        indexes = [
            models.Index(fields=["line", "status"], name="conversations_q_line"),
            models.Index(fields=["status", "due_at"], name="conversations_q_due"),
            models.Index(fields=["expert", "status"], name="conversations_q_expert"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.conversation_id}"
