"""Tickets: complaints, inquiries, suggestions and maintenance requests, each with a review
number, a workflow status, a timeline of events and attachments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tickets import search
from apps.tickets.workflow import OPEN_STATUSES, Status


class Category(models.Model):
    """A two-level taxonomy of what tickets are about; administrators manage it."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    default_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("default department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New tickets in this category go to this department unless someone chooses another."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]
        constraints = [models.CheckConstraint(condition=~Q(parent=F("pk")), name="category_not_own_parent")]

    def __str__(self):
        name = self.display_name()
        if self.parent_id and self.parent:
            return f"{self.parent.display_name()} › {name}"
        return name

    def display_name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_ar

    def clean(self):
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": _("Categories have two levels: choose a top-level parent.")})
            if self.pk and self.children.exists():
                raise ValidationError(
                    {"parent": _("A category with sub-categories cannot itself have a parent.")}
                )


class Tag(models.Model):
    """A managed label (bilingual, with a colour) put on tickets and contacts, to filter and count by."""

    class Colour(models.TextChoices):
        # Dark enough for white text (WCAG AA 4.5:1) on the badge.
        GREY = "grey", _("Grey")
        BLUE = "blue", _("Blue")
        GREEN = "green", _("Green")
        TEAL = "teal", _("Teal")
        ORANGE = "orange", _("Orange")
        RED = "red", _("Red")
        PURPLE = "purple", _("Purple")

    name_ar = models.CharField(_("name in Arabic"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices, default=Colour.GREY)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name_en", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name_ar"), name="tag_unique_name_ar"),
            models.UniqueConstraint(Lower("name_en"), name="tag_unique_name_en"),
        ]

    def __str__(self):
        return self.display_name()

    def display_name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_ar


class Ticket(TimeStampedModel):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        INQUIRY = "inquiry", _("Inquiry")
        SUGGESTION = "suggestion", _("Suggestion")
        MAINTENANCE = "maintenance", _("Maintenance request")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Live chat")
        VIDEO = "video", _("Video call")
        WALK_IN = "walk_in", _("Walk-in")
        EMAIL = "email", _("E-mail")
        WEB = "web", _("Web portal")
        TAWASUL = "tawasul", _("Tawasul")
        UYC = "uyc", _("Under Your Command")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Urgency(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        URGENT = "urgent", _("Urgent")
        ROUTINE = "routine", _("Routine")

    Status = Status

    review_number = models.CharField(_("review number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Received through "Under Your Command" (or moved into it): what the citizen wrote is for
    # senior management only (apps.core.confidentiality), whatever the channel is set to
    # later. Only someone who may read such text moves a ticket out, with a reason.
    confidential = models.BooleanField(_("confidential"), default=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    citizen = models.ForeignKey(
        "citizens.Citizen",
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # The mobile the citizen gave for this ticket (E.164): messages go there, and its last
    # four digits open the ticket on the tracking page.
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="ar")
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        db_index=False,
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField(_("received at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    external_reference = models.CharField(_("external reference"), max_length=60, blank=True)
    # Where a maintenance request is (Open311 clients send it; any channel may): optional.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Defaults in the database too: bulk loads and raw INSERTs that predate a column keep working.
    address = models.CharField(_("address"), max_length=250, blank=True, default="", db_default="")
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The SLA policy version in force when the ticket was created (None when no policy
    # applies): its deadlines never follow a later policy change. See apps/sla/clock_services.py.
    sla_policy_version = models.ForeignKey(
        "sla.PolicyVersion",
        verbose_name=_("SLA policy version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Subject and description folded for search (see apps/tickets/search.py); PostgreSQL
    # computes it on every write, and the trigram index below serves ``LIKE '%word%'``.
    search_text = models.GeneratedField(
        expression=Func(
            Lower(Concat(F("subject"), Value(" "), F("description"), output_field=models.TextField())),
            Value(search.SQL_FROM),
            Value(search.SQL_TO),
            function="translate",
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("view_all_tickets", _("Can see the tickets of every department")),
            ("work_ticket", _("Can reply to, note and move tickets")),
            ("assign_ticket", _("Can assign tickets")),
            ("merge_ticket", _("Can merge a duplicate ticket into its original")),
        ]
        # The staff list is always newest first and pages by (received_at, id): each index
        # below starts with a filter column and ends with that order, so the first page of
        # a filtered list is an index range scan with no sort and no COUNT.
        indexes = [
            models.Index(F("received_at").desc(), F("id").desc(), name="ticket_recent"),
            # The list sorted by "recently updated" (saved views), paged by (updated_at, id).
            models.Index(F("updated_at").desc(), F("id").desc(), name="ticket_updated"),
            models.Index("status", F("received_at").desc(), F("id").desc(), name="ticket_status_recent"),
            models.Index("department", F("received_at").desc(), F("id").desc(), name="ticket_dept_recent"),
            models.Index("assignee", F("received_at").desc(), F("id").desc(), name="ticket_assignee_recent"),
            models.Index("category", F("received_at").desc(), F("id").desc(), name="ticket_category_recent"),
            models.Index("citizen", F("received_at").desc(), name="ticket_citizen_recent"),
            models.Index(
                "external_reference", name="ticket_external_ref", condition=~Q(external_reference="")
            ),
            GinIndex(OpClass(F("search_text"), name="gin_trgm_ops"), name="ticket_search_trgm"),
            # The monthly statement's Tawasul figures (month and year to date): a few
            # thousand rows among millions of tickets, read by kind.
            models.Index(
                fields=["received_at", "kind"], name="ticket_tawasul_received", condition=Q(channel="tawasul")
            ),
            # The satisfaction page (apps/reports/satisfaction.py): the rated tickets of a
            # period, a small share of all tickets, read by the time of the rating.
            models.Index(fields=["rated_at"], name="ticket_rated", condition=Q(rated_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(citizen__isnull=False) | Q(is_anonymous=True), name="ticket_citizen_or_anonymous"
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(kind="suggestion"),
                name="ticket_only_suggestions_anonymous",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=F("pk")), name="ticket_not_duplicate_of_itself"),
        ]

    def __str__(self):
        return self.review_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketEvent(models.Model):
    """One entry of a ticket's timeline, with who and when.

    Only ``PUBLIC_REPLY`` entries (and the citizen's own submission and rating) may ever
    reach the citizen; see ``selectors.public_ticket``.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Ticket received")
        PUBLIC_REPLY = "public_reply", _("Reply to the citizen")
        CITIZEN_REPLY = "citizen_reply", _("Reply from the citizen")
        INTERNAL_NOTE = "internal_note", _("Internal note")
        STATUS_CHANGE = "status_change", _("Status change")
        ASSIGNMENT_CHANGE = "assignment_change", _("Assignment change")
        MERGE = "merge", _("Merge")
        RATING = "rating", _("Citizen's rating")
        ATTACHMENT = "attachment", _("Attachment added")
        TAGS = "tags", _("Tags changed")

    # Indexed by ticket_event_timeline (ticket, at). The other references are left
    # unindexed on purpose: a timeline is only ever read through its ticket.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Null when the citizen or the system acted (portal submission, rating, reopen by rating).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField(_("at"))
    body = models.TextField(_("text"), blank=True)
    from_status = models.CharField(_("from status"), max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, choices=Status.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # TAGS events: the tags added and removed, names in both languages as they were then
    # ({"added": [{"id", "ar", "en", "colour"}], "removed": [...]}).
    details = models.JSONField(
        _("details"), default=dict, blank=True, db_default=Value({}, models.JSONField())
    )
    from_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    to_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    from_department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    to_department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    related_ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        indexes = [models.Index("ticket", "at", name="ticket_event_timeline")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"

    @property
    def is_public(self) -> bool:
        return self.kind == self.Kind.PUBLIC_REPLY


def _attachment_path(instance, filename):  # pragma: no cover - names are set by the service
    return filename


def attachment_storage():
    from apps.tickets.attachments import storage

    return storage()


class TicketAttachment(models.Model):
    """A file on a ticket, stored outside the web root under a random name and served
    only by ``views.attachment_download`` after a permission check."""

    class Source(models.TextChoices):
        CITIZEN = "citizen", _("From the citizen")
        STAFF = "staff", _("From staff")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class TrackingLockout(models.Model):
    """A tracking lock-out: too many failed attempts from one address or on one number."""

    class Scope(models.TextChoices):
        IP = "ip", _("IP address")
        REVIEW_NUMBER = "review_number", _("Review number")

    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    value = models.CharField(_("value"), max_length=64)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tracking lock-out")
        verbose_name_plural = _("tracking lock-outs")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.scope}:{self.value} @ {self.at:%Y-%m-%d %H:%M}"


class Macro(models.Model):
    """An approved reply and/or a set of changes applied to a ticket in one step.

    With only a text it is a quick answer inserted into a reply; with a status, tags, a
    department or a priority it is a macro that applies them all at once (through the same
    services as the single actions). ``categories`` limits where it is offered (none: all).
    """

    title_ar = models.CharField(_("title in Arabic"), max_length=150)
    title_en = models.CharField(_("title in English"), max_length=150)
    body_ar = models.TextField(_("reply in Arabic"), blank=True)
    body_en = models.TextField(_("reply in English"), blank=True)
    to_status = models.CharField(_("move to status"), max_length=30, choices=Status.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Ticket.Priority.choices, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("send to department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    add_tags = models.ManyToManyField(Tag, verbose_name=_("add tags"), blank=True, related_name="+")
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("categories"),
        blank=True,
        related_name="+",
        help_text=_(
            "Offered on tickets of these categories (and their sub-categories); none: on every ticket."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(Lower("title_en"), name="macro_unique_title_en"),
        ]

    def __str__(self):
        return self.title()

    def title(self) -> str:
        return self.title_en if translation.get_language() == "en" else self.title_ar

    def body_for(self, language: str) -> str:
        return (self.body_en if language == "en" else self.body_ar) or self.body_ar or self.body_en

    @property
    def is_quick_answer(self) -> bool:
        return not (self.to_status or self.priority or self.department_id)
