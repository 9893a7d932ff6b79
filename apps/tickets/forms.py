"""Forms of the staff pages, and the filter form the list page and the API share."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, User
from apps.core.forms import LatinDigitsDateField
from apps.tickets import selectors
from apps.tickets.models import Category, Ticket
from apps.tickets.selectors import TicketFilters
from apps.tickets.workflow import Status


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select form-select-sm", **attrs})


class TicketFilterForm(forms.Form):
    """Filters of the staff list (GET parameters) and of ``GET /api/v1/tickets/``."""

    q = forms.CharField(
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
        widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 1}),
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
    assignee = forms.CharField(label=_("Assignee"), required=False, widget=_select())
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

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["category"].choices = [("", _("All categories")), *selectors.category_choices()]
        self.fields["department"].empty_label = _("All departments")
        if viewer is not None:
            self.fields["department"].queryset = selectors.assignable_departments(viewer)
            people = [(str(u.pk), u.display_name()) for u in selectors.assignable_users(viewer)]
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
        if not value.isdigit():
            raise forms.ValidationError(_("Choose one of the offered values."))
        user = User.objects.filter(pk=int(value)).first()
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
        )
