"""Forms of the staff pages, and the filter form the list page and the API share."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, User
from apps.core.choices import CHOOSE
from apps.core.forms import FreeTextField, LatinDigitsCharField, LatinDigitsDateField, LineField
from apps.core.parsing import to_id
from apps.tickets import selectors
from apps.tickets.models import Category, Macro, Tag, Ticket
from apps.tickets.selectors import TicketFilters
from apps.tickets.workflow import Status


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select form-select-sm", **attrs})


class OneOrManySelect(forms.Select):
    """A plain select on the page that still reads ``?status=a&status=b`` from the API."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [v for v in values if v]

    def format_value(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values[:1] if v not in (None, "")]


class TicketFilterForm(forms.Form):
    """Filters of the staff list (GET parameters) and of ``GET /api/v1/tickets/``."""

    q = LineField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "type": "search", "placeholder": _("Search")}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Ticket.Kind.choices],
        widget=_select(),
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), *Status.choices],
        widget=OneOrManySelect(attrs={"class": "form-select form-select-sm"}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *Ticket.Channel.choices],
        widget=_select(),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all(), widget=_select()
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.all(), widget=_select()
    )
    assignee = LineField(label=_("Assignee"), required=False, widget=_select())
    received_from = LatinDigitsDateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control form-control-sm", "type": "date"}),
    )
    received_to = LatinDigitsDateField(
        label=_("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control form-control-sm", "type": "date"}),
    )
    citizen = forms.IntegerField(required=False, widget=forms.HiddenInput(), min_value=1)
    sla_state = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any deadline")),
            ("on_time", _("On time")),
            ("at_risk", _("At risk")),
            ("breached", _("Breached")),
        ],
        widget=_select(),
    )

    tag = forms.ModelChoiceField(
        label=_("Tag"), required=False, queryset=Tag.objects.filter(is_active=True), widget=_select()
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("Any priority")), *Ticket.Priority.choices],
        widget=_select(),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        required=False,
        choices=[("", _("Any urgency")), *Ticket.Urgency.choices],
        widget=_select(),
    )
    citizen_kind = forms.ChoiceField(
        label=_("Filed by"),
        required=False,
        choices=[("", _("Anyone")), ("citizen", _("A known citizen")), ("anonymous", _("Anonymous"))],
        widget=_select(),
    )
    rated = forms.ChoiceField(
        label=_("Rated"),
        required=False,
        choices=[("", _("Rated or not")), ("yes", _("Rated")), ("no", _("Not rated"))],
        widget=_select(),
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any rating")), *((str(n), f"{n} / 5") for n in range(1, 6))],
        widget=_select(),
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("updated", _("Recently updated")),
        ],
        widget=_select(),
    )

    def __init__(self, *args, viewer=None, tag_counts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["tag"].widget.choices = [("", _("Any tag")), *selectors.tag_filter_choices(tag_counts)]
        self.fields["status"].widget.choices = [("", _("All statuses")), *self.fields["status"].choices]
        self.fields["category"].choices = [("", _("All categories")), *selectors.category_choices()]
        self.fields["department"].empty_label = _("All departments")
        if viewer is not None:
            self.fields["department"].queryset = selectors.assignable_departments(viewer)
            # A plain list: iterating the queryset in the template would open a server-side cursor.
            self.fields["department"].widget.choices = [
                ("", _("All departments")),
                *selectors.assignable_department_choices(viewer),
            ]
            people = selectors.assignable_user_choices(viewer)
            self.fields["assignee"].widget.choices = [
                ("", _("Anyone")),
                ("me", _("Me")),
                ("none", _("Nobody yet")),
                *people,
            ]

    def clean_assignee(self):
        value = (self.cleaned_data.get("assignee") or "").strip()
        if value in ("", "me", "none"):
            return value
        user_id = to_id(value)
        if user_id is None:
            raise forms.ValidationError(_("Choose one of the offered values."))
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise forms.ValidationError(_("Choose one of the offered values."))
        return user

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return data

    def to_filters(self) -> TicketFilters:
        data = self.cleaned_data
        statuses = list(data.get("status") or [])
        assignee = data.get("assignee")
        return TicketFilters(
            kind=data.get("kind") or "",
            status=[s for s in statuses if s != "open"],
            open_only="open" in statuses,
            channel=data.get("channel") or "",
            category=data.get("category"),
            department=data.get("department"),
            assignee=self.viewer if assignee == "me" else (assignee if isinstance(assignee, User) else None),
            unassigned=assignee == "none",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            q=(data.get("q") or "").strip(),
            citizen_id=data.get("citizen"),
            sla_state=data.get("sla_state") or "",
            tag=data.get("tag"),
            priority=data.get("priority") or "",
            urgency=data.get("urgency") or "",
            citizen_kind=data.get("citizen_kind") or "",
            rated=data.get("rated") or "",
            rating=data.get("rating"),
            sort=data.get("sort") or "",
        )


class TagForm(forms.Form):
    """A managed tag: its names in both languages, its colour, whether it is still in use."""

    name_ar = LineField(
        label=_("Name in Arabic"),
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "rtl"}),
    )
    name_en = LineField(
        label=_("Name in English"),
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
    )
    colour = forms.ChoiceField(
        label=_("Colour"), choices=Tag.Colour.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    is_active = forms.BooleanField(
        label=_("In use (uncheck to retire it: it stays on what it tags, and can no longer be added)"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check size, count and type by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


_TEXT = {"class": "form-control"}


class TicketCreateForm(forms.Form):
    """A ticket taken by an agent: the citizen chosen from the look-up, or added inline."""

    citizen = forms.IntegerField(required=False, widget=forms.HiddenInput())
    new_cpr = LatinDigitsCharField(
        label=_("CPR number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr", "inputmode": "numeric"}),
    )
    new_name_ar = LineField(
        label=_("Name in Arabic"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**_TEXT, "dir": "rtl"}),
    )
    new_name_en = LineField(
        label=_("Name in English"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr"}),
    )
    new_mobile = LatinDigitsCharField(
        label=_("Mobile"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr", "inputmode": "tel"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Ticket.Kind.choices, initial=Ticket.Kind.COMPLAINT, widget=forms.RadioSelect
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Ticket.Channel.choices,
        initial=Ticket.Channel.PHONE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=CHOOSE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    subject = LineField(label=_("Subject"), max_length=200, widget=forms.TextInput(attrs=_TEXT))
    description = FreeTextField(label=_("Description"), widget=forms.Textarea(attrs={**_TEXT, "rows": 4}))
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        required=False,
        choices=[("", "—"), *Ticket.Urgency.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("Automatic")), *Ticket.Priority.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    contact_phone = LatinDigitsCharField(
        label=_("Mobile for SMS"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to use the citizen's mobile on file."),
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr", "inputmode": "tel"}),
    )
    external_reference = LineField(
        label=_("External reference"),
        required=False,
        max_length=60,
        help_text=_("For example the Tawasul number."),
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr"}),
    )
    anonymous = forms.BooleanField(label=_("Anonymous suggestion"), required=False)
    attachments = MultipleFileField(label=_("Attachments"))

    # Service error fields → form fields.
    FIELD_MAP = {"cpr": "new_cpr", "name_ar": "new_name_ar", "phones": "new_mobile", "citizen": "citizen"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *selectors.category_choices()]
        self.fields["department"].empty_label = _("By category")

    def new_citizen(self) -> dict | None:
        data = self.cleaned_data
        if data.get("citizen") or data.get("anonymous"):
            return None
        if not any(data.get(f) for f in ("new_cpr", "new_name_ar", "new_mobile")):
            return None
        return {
            "cpr": data.get("new_cpr") or "",
            "name_ar": data.get("new_name_ar") or "",
            "name_en": data.get("new_name_en") or "",
            "phones": [data["new_mobile"]] if data.get("new_mobile") else [],
            "confirmed": True,
        }

    def add_service_errors(self, error) -> None:
        placed = False
        for field, messages in (error.details or {}).items():
            name = self.FIELD_MAP.get(field, field)
            if name in self.fields:
                for message in messages or [error.message]:
                    self.add_error(name, str(message))
                placed = True
        if not placed or not error.details:
            self.add_error(None, str(error.message))


class BodyForm(forms.Form):
    body = FreeTextField(label=_("Text"), widget=forms.Textarea(attrs={**_TEXT, "rows": 3}))
    attachments = MultipleFileField(label=_("Attachments"))


class ReplyForm(BodyForm):
    """The reply, with the newest timeline event its writer had in front of them (a reply over
    a newer change by someone else is refused) and the macro whose changes go with it (then
    the text may be blank: the macro's changes alone)."""

    body = FreeTextField(label=_("Text"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 3}))
    seen_event_id = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    macro = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("body") and not data.get("macro") and "body" not in self.errors:
            self.add_error(
                "body", forms.ValidationError(self.fields["body"].error_messages["required"], code="required")
            )
        return data


class ExtendForm(forms.Form):
    """More time for the ticket's answer: the new date and the reason the citizen is told.

    Both are optional here so that the SLA engine gives its own clear refusal (reason
    required, date later than the current deadline)."""

    new_due = LatinDigitsDateField(
        label=_("New deadline"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control form-control-sm", "type": "date"}),
    )
    reason = LineField(
        label=_("Reason (sent to the citizen)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=_TEXT),
    )


class ReclassifyForm(forms.Form):
    """Correct a ticket's kind, channel, priority or (maintenance) urgency; the SLA deadlines
    follow (``services.ticket_reclassify``). Shown filled with the ticket's current values."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Ticket.Kind.choices, widget=_select())
    channel = forms.ChoiceField(label=_("Channel"), choices=Ticket.Channel.choices, widget=_select())
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices, widget=_select())
    urgency = forms.ChoiceField(
        label=_("Urgency (maintenance only)"),
        required=False,
        choices=[("", "—"), *Ticket.Urgency.choices],
        widget=_select(),
    )
    reason = LineField(
        label=_("Reason (staff only)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "kind": ticket.kind,
                "channel": ticket.channel,
                "priority": ticket.priority,
                "urgency": ticket.urgency,
            },
        )
        super().__init__(*args, **kwargs)
        self.ticket = ticket

    def service_kwargs(self) -> dict:
        """The arguments of ``ticket_reclassify``. An unchanged priority is not sent when the
        maintenance urgency changes, so that the priority follows the new urgency; otherwise
        it is sent as it stands, so that it stays."""
        data = self.cleaned_data
        maintenance = data["kind"] == Ticket.Kind.MAINTENANCE
        urgency = (data.get("urgency") or "") if maintenance else ""
        urgency_changed = maintenance and (
            urgency != (self.ticket.urgency or "") or self.ticket.kind != Ticket.Kind.MAINTENANCE
        )
        priority = data["priority"]
        if priority == self.ticket.priority and urgency_changed:
            priority = None
        return {
            "kind": data["kind"],
            "channel": data["channel"],
            "priority": priority,
            "urgency": urgency or None,
            "reason": data.get("reason") or "",
        }


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("New status"), choices=Status.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    reason = LineField(label=_("Reason"), required=False, max_length=500, widget=forms.TextInput(attrs=_TEXT))

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.tickets.workflow import next_statuses

        self.fields["to_status"].choices = [(s.value, s.label) for s in next_statuses(ticket.status)]


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    assignee = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = LineField(label=_("Reason"), required=False, max_length=500, widget=forms.TextInput(attrs=_TEXT))

    def __init__(self, *args, viewer, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.assignable_departments(viewer)
        self.fields["department"].empty_label = _("Keep the department")
        self.fields["assignee"].queryset = selectors.assignable_users(viewer)
        self.fields["assignee"].empty_label = _("Nobody")
        self.fields["assignee"].label_from_instance = lambda u: u.display_name()
        if not self.is_bound:
            self.initial = {"department": ticket.department_id, "assignee": ticket.assignee_id}


class MergeForm(forms.Form):
    original = LatinDigitsCharField(
        label=_("Review number of the original"),
        max_length=40,
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr"}),
    )
    reason = LineField(label=_("Reason"), required=False, max_length=500, widget=forms.TextInput(attrs=_TEXT))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


class BulkForm(forms.Form):
    """The bulk bar of the staff list: one action's parameters; the chosen tickets are the
    rows' ``ticket`` boxes (or, with "all on this page" ticked, every row's ``page_ticket``).

    Each action has its own submit button (``action``), so the bar works as a plain form.
    Tags are added or removed with the same list (two buttons). On a page the choices are
    plain lists taken from the filter form (the same people and departments: no second read)."""

    ACTIONS = ("assign", "move", "priority", "add_tags", "remove_tags", "merge", "close")

    action = forms.ChoiceField(label=_("Action"), choices=[(a, a) for a in ACTIONS])
    assignee = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, widget=_select()
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, widget=_select()
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", CHOOSE), *Ticket.Priority.choices],
        widget=_select(),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 3}),
    )
    merge_into = LatinDigitsCharField(
        label=_("Merge into (review number)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "dir": "ltr", "list": "bulk-chosen-numbers"}
        ),
    )
    macro = forms.ModelChoiceField(
        label=_("Reply template"), queryset=Macro.objects.none(), required=False, widget=_select()
    )
    reason = LineField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, viewer, filter_form: TicketFilterForm | None = None, **kwargs):
        kwargs.setdefault("prefix", "bulk")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.assignable_users(viewer)
        self.fields["assignee"].label_from_instance = lambda u: u.display_name()
        self.fields["department"].queryset = selectors.assignable_departments(viewer)
        self.fields["tags"].queryset = Tag.objects.all()
        self.fields["macro"].queryset = Macro.objects.filter(is_active=True)
        self.fields["assignee"].empty_label = self.fields["department"].empty_label = CHOOSE
        self.fields["macro"].empty_label = CHOOSE
        if not self.is_bound:
            if filter_form is not None:
                people = filter_form.fields["assignee"].widget.choices[3:]  # after anyone, me, nobody
                departments = filter_form.fields["department"].widget.choices[1:]
            else:
                people = [(u.pk, u.display_name()) for u in self.fields["assignee"].queryset]
                departments = [(d.pk, str(d)) for d in self.fields["department"].queryset]
            self.fields["assignee"].widget.choices = [("", CHOOSE), *people]
            self.fields["department"].widget.choices = [("", CHOOSE), *departments]
            tags, replies = selectors.tag_and_reply_choices()
            self.fields["tags"].widget.choices = tags
            self.fields["macro"].widget.choices = [("", CHOOSE), *replies]

    def ticket_ids(self) -> list[str]:
        data = self.data
        chosen = data.getlist("ticket") if hasattr(data, "getlist") else []
        if data.get("select_page"):
            chosen = [*chosen, *data.getlist("page_ticket")]
        return chosen

    def clean(self):
        data = super().clean()
        if data.get("action") == "add_tags":
            retired = [t for t in data.get("tags") or () if not t.is_active]
            if retired:
                self.add_error("tags", _("The tag “%(name)s” is no longer in use.") % {"name": retired[0]})
        return data

    def service_kwargs(self) -> dict:
        """The arguments of ``bulk.ticket_bulk_apply`` (without the actor)."""
        data = self.cleaned_data
        action = data["action"]
        kwargs = {"ticket_ids": self.ticket_ids(), "reason": data.get("reason") or ""}
        if action in ("add_tags", "remove_tags"):
            key = "add_tags" if action == "add_tags" else "remove_tags"
            return {**kwargs, "action": "tags", key: list(data.get("tags") or ())}
        params = {
            "assign": {"assignee": data.get("assignee")},
            "move": {"department": data.get("department")},
            "priority": {"priority": data.get("priority") or ""},
            "merge": {"merge_into": data.get("merge_into") or ""},
            "close": {"macro": data.get("macro")},
        }[action]
        return {**kwargs, "action": action, **params}
