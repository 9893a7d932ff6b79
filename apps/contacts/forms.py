"""Forms of the console, the supervisor's filters and the department queue."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, User
from apps.contacts.models import Channel, FollowUp, Outcome, Purpose, QuickAnswer
from apps.contacts.selectors import ContactFilters, day_range
from apps.core.choices import CHOOSE
from apps.core.forms import FreeTextField, LatinDigitsCharField, LatinDigitsDateField, LineField
from apps.tickets import selectors as ticket_selectors
from apps.tickets.models import Tag, Ticket


class SearchForm(forms.Form):
    q = LatinDigitsCharField(label=_("CPR, phone number or name"), max_length=100, required=False)


class ContactFilterForm(forms.Form):
    """The filters of the contact list, the read API and the counts (dates in Bahrain time)."""

    start = LatinDigitsDateField(label=_("From"), required=False)
    end = LatinDigitsDateField(label=_("To"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False)
    purpose = LineField(label=_("Purpose"), max_length=40, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), *Outcome.choices, ("none", _("Not recorded yet"))],
        required=False,
    )
    agent = LineField(label=_("Agent"), max_length=150, required=False)
    answered = forms.ChoiceField(
        label=_("Answered"),
        choices=[("", "—"), ("yes", _("Answered")), ("no", _("Abandoned"))],
        required=False,
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up"),
        choices=[("", "—"), ("open", _("Open")), ("overdue", _("Overdue")), ("closed", _("Answered"))],
        required=False,
    )
    repeat = forms.ChoiceField(
        label=_("Repeat contact"),
        choices=[("", "—"), ("yes", _("Repeat contacts only"))],
        required=False,
    )

    tag = forms.ChoiceField(label=_("Tag"), choices=[("", "—")], required=False)
    department = forms.ChoiceField(label=_("Department"), choices=[("", "—")], required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=[("", _("Newest first")), ("oldest", _("Oldest first"))],
        required=False,
    )

    def __init__(self, *args, default_to_month: bool = False, tag_counts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_to_month = default_to_month
        # Offered: the tags in use (a retired one in a saved view is dropped, and said) with,
        # on the list page, how many contacts carry each; the departments still open.
        self.fields["tag"].choices = [
            ("", "—"),
            *((str(pk), label) for pk, label in ticket_selectors.tag_filter_choices(tag_counts)),
        ]
        self.fields["department"].choices = [
            ("", "—"),
            *((str(d.pk), str(d)) for d in Department.objects.filter(is_active=True).order_by("pk")),
        ]

    def clean_purpose(self):
        code = self.cleaned_data["purpose"].strip()
        if code and code != "none" and not Purpose.objects.filter(code=code).exists():
            raise forms.ValidationError(_("This purpose is not known."), code="unknown_purpose")
        return code

    def clean_agent(self):
        name = self.cleaned_data["agent"].strip()
        if not name or name == "none":
            return name
        agent_id = User.objects.filter(username=name).values_list("id", flat=True).first()
        if agent_id is None:
            raise forms.ValidationError(_("No staff member has this user name."), code="unknown_agent")
        self.agent_id = agent_id
        return name

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.default_to_month and not start and not end and not self.errors:
            today = timezone.localdate()
            data["start"], data["end"] = today.replace(day=1), today
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end", forms.ValidationError(_("The end comes before the start."), code="end_before_start")
            )
        return data

    def filters(self) -> ContactFilters:
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and not end:
            end = timezone.localdate()
        if end and not start:
            start = dt.date(2000, 1, 1)
        window = day_range(start, end) if start else (None, None)
        agent = data.get("agent") or ""
        return ContactFilters(
            start=window[0],
            end=window[1],
            channel=data.get("channel") or "",
            purpose=data.get("purpose") or "",
            outcome=data.get("outcome") or "",
            agent=0 if agent == "none" else getattr(self, "agent_id", None),
            answered=data.get("answered") or "",
            follow_up=data.get("follow_up") or "",
            repeat=data.get("repeat") or "",
            tag=int(data["tag"]) if data.get("tag") else None,
            department=int(data["department"]) if data.get("department") else None,
            sort=data.get("sort") or "",
        )


class FollowUpFilterForm(forms.Form):
    """The department follow-up queue's filters (GET), which saved views keep."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("open", _("Open")), ("closed", _("Answered"))], required=False
    )
    department = forms.ChoiceField(label=_("Department"), choices=[("", "—")], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            ("", "—"),
            *((str(d.pk), str(d)) for d in Department.objects.filter(is_active=True).order_by("pk")),
        ]


class LogForm(forms.Form):
    """What the agent records at the end of a contact."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.INBOUND_CALL)
    purpose = forms.ModelChoiceField(
        label=_("Purpose"),
        queryset=Purpose.objects.filter(is_active=True).order_by("order", "code"),
        widget=forms.RadioSelect,
        empty_label=None,
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in Outcome.choices if c[0] != Outcome.ABANDONED],
        widget=forms.RadioSelect,
    )
    notes = FreeTextField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10_000
    )
    department = forms.ModelChoiceField(
        label=_("Refer to department"),
        queryset=Department.objects.filter(is_active=True).order_by("code"),
        required=False,
        empty_label=CHOOSE,
    )
    ticket_kind = forms.ChoiceField(label=_("Kind of ticket"), choices=Ticket.Kind.choices, required=False)
    ticket_subject = LineField(label=_("Subject of the ticket"), max_length=200, required=False)
    ticket_reference = LatinDigitsCharField(
        label=_("Or the review number of an existing ticket"), max_length=30, required=False
    )
    callback_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    callback_number = LatinDigitsCharField(label=_("Number to call back"), max_length=30, required=False)
    quick_answers = forms.ModelMultipleChoiceField(
        label=_("Quick answers given"), queryset=QuickAnswer.objects.filter(is_active=True), required=False
    )
    sms_quick_answers = forms.ModelMultipleChoiceField(
        label=_("Send by SMS later"), queryset=QuickAnswer.objects.filter(is_active=True), required=False
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.filter(is_active=True).order_by("name_ar", "id"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    call_id = LineField(max_length=100, required=False, widget=forms.HiddenInput)
    citizen = forms.IntegerField(required=False, widget=forms.HiddenInput)
    caller_number = LatinDigitsCharField(label=_("Caller's number"), max_length=30, required=False)
    started_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    callback = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The appointment booked from the console's panel during this call (apps/appointments).
    appointment = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("outcome") != Outcome.REFERRED:
            data["department"] = None
        if data.get("outcome") != Outcome.CALLBACK_SCHEDULED:
            data["callback_at"] = None
        return data


class NewCitizenForm(forms.Form):
    cpr = LatinDigitsCharField(label=_("CPR number"), max_length=20)
    name_ar = LineField(label=_("Name in Arabic"), max_length=200)
    name_en = LineField(label=_("Name in English"), max_length=200, required=False)
    phone = LatinDigitsCharField(label=_("Phone number"), max_length=30)
    call_id = LineField(max_length=100, required=False, widget=forms.HiddenInput)
    started_at = LineField(max_length=40, required=False, widget=forms.HiddenInput)


class PhoneForm(forms.Form):
    number = LatinDigitsCharField(label=_("New number"), max_length=30)
    make_primary = forms.BooleanField(label=_("Make it the primary number"), required=False)


class FollowUpAnswerForm(forms.Form):
    answer = FreeTextField(
        label=_("The department's answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )


def follow_up_list_arguments(params) -> dict:
    """The follow-ups page's filter (status, department, "referred by me") from its query string."""
    from apps.core.parsing import to_id

    return {
        "status": params.get("status") or FollowUp.Status.OPEN,
        "department_id": to_id(params.get("department")),
        "referred_by_me": params.get("referred") == "me",
    }
