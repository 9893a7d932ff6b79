"""Forms of the "Under Your Command" pages: the queue's filters (shared with the API), the
case's actions, delegation, the department's answer, and the citizen's form."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, User
from apps.core.choices import CHOOSE
from apps.core.forms import FreeTextField, LatinDigitsCharField, LineField, ServiceErrorsMixin
from apps.core.parsing import to_id
from apps.escalations import selectors
from apps.escalations.models import Priority, Source
from apps.escalations.selectors import QueueFilters
from apps.escalations.services import CITIZEN_KINDS
from apps.escalations.workflow import Status, plain_moves
from apps.tickets.models import Ticket

_SMALL = {"class": "form-control form-control-sm"}


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select form-select-sm", **attrs})


def _text(rows: int = 3, **attrs):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})


class QueueFilterForm(forms.Form):
    """The queue's filters (GET parameters), for the page and for ``GET /api/v1/uyc/cases/``."""

    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    owner = LineField(label=_("Owner"), required=False, widget=_select())
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All sources")), *Source.choices], widget=_select()
    )
    overdue = forms.BooleanField(label=_("Past the 30 days only"), required=False)

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        people = [(str(u.pk), u.display_name()) for u in selectors.owners()]
        self.fields["owner"].widget.choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody yet")),
            *people,
        ]

    def clean_owner(self):
        value = (self.cleaned_data.get("owner") or "").strip()
        if value in ("", "me", "none"):
            return value
        user_id = to_id(value)
        user = selectors.owners().filter(pk=user_id).first() if user_id else None
        if user is None:
            raise forms.ValidationError(_("Choose one of the offered values."))
        return user

    def to_filters(self) -> QueueFilters:
        data = self.cleaned_data
        owner = data.get("owner")
        return QueueFilters(
            status=list(data.get("status") or []),
            owner=self.viewer if owner == "me" else (owner if isinstance(owner, User) else None),
            unowned=owner == "none",
            source=data.get("source") or "",
            overdue=bool(data.get("overdue")),
        )


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.display_name()


class AssignForm(forms.Form):
    owner = OwnerField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
        widget=_select(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.owners()


class NoteForm(ServiceErrorsMixin, forms.Form):
    body = FreeTextField(label=_("Note"), max_length=10000, widget=_text(3))


class SummaryForm(ServiceErrorsMixin, forms.Form):
    summary = FreeTextField(
        label=_("Summary for management"), max_length=10000, required=False, widget=_text(4)
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, widget=_select())


class TransitionForm(ServiceErrorsMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("Move to"), choices=(), widget=_select())
    reason = LineField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.TextInput(attrs=_SMALL)
    )

    def __init__(self, *args, escalation=None, **kwargs):
        super().__init__(*args, **kwargs)
        moves = plain_moves(escalation.status) if escalation is not None else list(Status)
        self.fields["to_status"].choices = [(s.value, s.label) for s in moves]


class ExtendForm(ServiceErrorsMixin, forms.Form):
    new_due = forms.DateTimeField(
        label=_("New deadline"),
        widget=forms.DateTimeInput(attrs={**_SMALL, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    reason = FreeTextField(
        label=_("Reason (the citizen is told)"), max_length=2000, required=False, widget=_text(2)
    )


class InformationRequestForm(ServiceErrorsMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True),
        empty_label=CHOOSE,
        widget=_select(),
    )
    question = FreeTextField(
        label=_("Question for the department"),
        max_length=5000,
        required=False,
        widget=_text(3),
        help_text=_("The department reads only this question, nothing else of the case."),
    )


class ReferForm(ServiceErrorsMixin, forms.Form):
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=None, empty_label=CHOOSE, widget=_select()
    )
    summary = FreeTextField(
        label=_("What the committee is asked to decide"),
        max_length=10000,
        required=False,
        widget=_text(3),
        help_text=_("The committee reads this summary, not the citizen's message or the case's notes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = selectors.committees()
        self.fields["committee"].label_from_instance = str


class DecideForm(ServiceErrorsMixin, forms.Form):
    public_text = FreeTextField(
        label=_("Decision, as the citizen will read it"),
        max_length=10000,
        required=False,
        widget=_text(4, **{"data-testid": "decision-public"}),
    )
    internal_text = FreeTextField(
        label=_("Internal text (never shown to the citizen)"),
        max_length=10000,
        required=False,
        widget=_text(3, **{"class": "form-control bg-warning-subtle", "data-testid": "decision-internal"}),
    )


class DelegationForm(ServiceErrorsMixin, forms.Form):
    deputy = OwnerField(label=_("Deputy"), queryset=User.objects.none(), widget=_select())
    starts_at = forms.DateTimeField(
        label=_("From"),
        widget=forms.DateTimeInput(attrs={**_SMALL, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    ends_at = forms.DateTimeField(
        label=_("Until"),
        widget=forms.DateTimeInput(attrs={**_SMALL, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    reason = LineField(
        label=_("Reason"), max_length=300, required=False, widget=forms.TextInput(attrs=_SMALL)
    )

    def __init__(self, *args, delegator=None, **kwargs):
        super().__init__(*args, **kwargs)
        if delegator is not None:
            self.fields["deputy"].queryset = selectors.deputy_candidates(delegator=delegator)
        if not self.is_bound and delegator is not None and delegator.deputy_id:
            # The standing deputy set on the staff pages (accounts.User.deputy) comes first.
            self.initial.setdefault("deputy", delegator.deputy_id)
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("starts_at", now)
            self.initial.setdefault("ends_at", now + timezone.timedelta(days=7))


class EscalateForm(ServiceErrorsMixin, forms.Form):
    reason = FreeTextField(
        label=_("Why does this need senior management?"),
        max_length=5000,
        required=False,
        widget=_text(3, **{"data-testid": "escalate-reason"}),
    )
    summary = FreeTextField(
        label=_("Summary for management (optional)"), max_length=10000, required=False, widget=_text(3)
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("As the ticket")), *Priority.choices],
        widget=_select(),
    )


class AnswerForm(ServiceErrorsMixin, forms.Form):
    answer = FreeTextField(
        label=_("The department's answer"), max_length=10000, required=False, widget=_text(4)
    )


# --- the citizen's form --------------------------------------------------------------

_BIG = {"class": "form-control form-control-lg"}


class UycMessageForm(ServiceErrorsMixin, forms.Form):
    cpr = LatinDigitsCharField(
        label=_("CPR number"),
        max_length=20,
        widget=forms.TextInput(attrs={**_BIG, "dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}),
    )
    mobile = LatinDigitsCharField(
        label=_("Mobile number on your file"),
        max_length=30,
        help_text=_("We send a one-time code to this number to make sure it is you."),
        widget=forms.TextInput(attrs={**_BIG, "dir": "ltr", "inputmode": "tel", "autocomplete": "tel"}),
    )
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[(k.value, k.label) for k in Ticket.Kind if k in CITIZEN_KINDS],
        initial=Ticket.Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    subject = LineField(label=_("Subject"), max_length=200, widget=forms.TextInput(attrs=_BIG))
    message = FreeTextField(
        label=_("Your message to senior management"),
        max_length=5000,
        widget=forms.Textarea(attrs={**_BIG, "rows": 6}),
    )
    # Left empty by people; filled in by form-filling robots.
    website = LineField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class UycCodeForm(ServiceErrorsMixin, forms.Form):
    code = LatinDigitsCharField(
        label=_("The code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                **_BIG,
                "dir": "ltr",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "data-testid": "uyc-code",
            }
        ),
    )
