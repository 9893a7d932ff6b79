"""Live chat between citizens and agents, agents' availability, and video-call requests.

A chat is asked for by a citizen (the pre-chat form), waits in the queue, is offered to one
agent (up to each agent's limit of concurrent chats), is answered by the agent's first
message, ends (either side), and is closed by the agent with a purpose and an outcome,
which records the chat's **contact** (channel live chat). Every message is a row, saved as
it arrives; ``client_id`` makes a message sent twice (a retry after a lost connection)
one row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgentPresence(models.Model):
    """Whether an agent takes chats now, and how many at once (empty: the default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="chat_presence",
        verbose_name=_("agent"),
    )
    is_available = models.BooleanField(_("available for chats"), default=False)
    max_chats = models.PositiveSmallIntegerField(_("concurrent chats"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"))
    last_offered_at = models.DateTimeField(_("last offered a chat at"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat availability")
        verbose_name_plural = _("chat availability")

    def __str__(self):
        return f"{self.user} ({'available' if self.is_available else 'away'})"

    def limit(self) -> int:
        return self.max_chats or settings.HOUSING_CHAT_AGENT_MAX_CHATS


class Chat(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("chat status", "Waiting")
        ACTIVE = "active", pgettext_lazy("chat status", "With an agent")
        ENDED = "ended", pgettext_lazy("chat status", "Ended, not wrapped up")
        CLOSED = "closed", pgettext_lazy("chat status", "Closed")
        ABANDONED = "abandoned", pgettext_lazy("chat status", "Left before an answer")
        MESSAGE = "message", pgettext_lazy("chat status", "Message left out of hours")

    # States in which the conversation is still open to new messages.
    OPEN = (Status.WAITING, Status.ACTIVE)

    key = models.CharField(max_length=43, unique=True)  # the secret bound into the citizen's token
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    name = models.CharField(_("name"), max_length=150)
    mobile = models.CharField(_("mobile"), max_length=20)
    cpr = models.CharField(_("CPR"), max_length=9, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.PROTECT, related_name="chats"
    )
    purpose = models.ForeignKey(
        "contacts.Purpose", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=2, default="ar")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chats",
        verbose_name=_("agent"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    offered_at = models.DateTimeField(_("offered to an agent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first agent message at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    contact = models.OneToOneField(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="chat"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="chats"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        permissions = [
            ("use_chat_workspace", _("Can answer live chats")),
            ("supervise_chat", _("Can watch and take over every live chat")),
        ]
        indexes = [
            # The queue: waiting chats oldest first.
            models.Index(fields=["requested_at", "id"], condition=Q(status="waiting"), name="chat_queue"),
            models.Index(fields=["agent", "status"], name="chat_agent_status"),
            # Figures are a date range first.
            models.Index(fields=["requested_at"], name="chat_requested_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="chat_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=models.F("requested_at")),
                name="chat_answered_after_request",
            ),
        ]

    def __str__(self):
        return f"chat {self.pk} ({self.name})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def first_response_seconds(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.requested_at).total_seconds()


class ChatMessage(models.Model):
    class Sender(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(blank=True)
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_path = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["chat", "id"], name="chat_message_resume")]
        constraints = [
            # A message retried after a lost connection is stored once.
            models.UniqueConstraint(
                fields=["chat", "client_id"], condition=~Q(client_id=""), name="chat_message_client_once"
            ),
        ]

    def __str__(self):
        return f"{self.sender} #{self.pk}"


class ChatEvent(models.Model):
    class Kind(models.TextChoices):
        QUEUED = "queued", _("Queued")
        OFFERED = "offered", _("Offered to an agent")
        TRANSFERRED = "transferred", _("Transferred")
        TAKEN_OVER = "taken_over", _("Taken over by a supervisor")
        ENDED = "ended", _("Ended")
        CLOSED = "closed", _("Closed")
        TICKET = "ticket", _("Ticket opened")
        RATED = "rated", _("Rated")
        TRANSCRIPT = "transcript", _("Transcript sent")

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.kind} #{self.chat_id}"


class VideoCall(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("video call", "Requested")
        SCHEDULED = "scheduled", pgettext_lazy("video call", "Scheduled")
        HELD = "held", pgettext_lazy("video call", "Held")
        CANCELLED = "cancelled", pgettext_lazy("video call", "Cancelled")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    name = models.CharField(_("name"), max_length=150)
    mobile = models.CharField(_("mobile"), max_length=20)
    cpr = models.CharField(_("CPR"), max_length=9, blank=True)
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.PROTECT, related_name="video_calls"
    )
    purpose = models.ForeignKey(
        "contacts.Purpose", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    preferred_time = models.CharField(_("preferred time"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, default="ar")
    requested_at = models.DateTimeField(_("requested at"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="video_calls"
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    room = models.CharField(max_length=40, blank=True)
    meeting_url = models.URLField(_("meeting link"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    contact = models.OneToOneField(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="video_call"
    )

    class Meta:
        verbose_name = _("video call")
        verbose_name_plural = _("video calls")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["started_at"], name="video_started_at")]

    def __str__(self):
        return f"video call {self.pk} ({self.name})"
