from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LineField, ServiceErrorsMixin


class LoginForm(AuthenticationForm):
    # One message for every failure: it never says whether the username exists.
    error_messages = {
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("The username or password is not correct."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"class": "form-control", "dir": "ltr", "autofocus": True}
        )
        self.fields["password"].widget.attrs.update({"class": "form-control", "dir": "ltr"})


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = LineField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "dir": "ltr",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )


# ---- Staff administration ------------------------------------------------------------------

_INPUT = {"class": "form-control"}
_LTR_INPUT = {"class": "form-control", "dir": "ltr", "spellcheck": "false", "autocomplete": "off"}


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


class _MemberField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.display_name()} ({user.username})"


class _DepartmentField(forms.ModelChoiceField):
    def label_from_instance(self, department):
        return str(department)


class StaffFilterForm(forms.Form):
    """The staff list's filters (GET parameters)."""

    ACTIVE_CHOICES = [("", _("All")), ("1", _("Active")), ("0", _("Disabled"))]

    q = LineField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={**_INPUT, "type": "search", "placeholder": _("Name, username or e-mail")}
        ),
    )
    role = forms.ChoiceField(label=_("Role"), required=False, widget=_select())
    department = _DepartmentField(
        label=_("Department"), required=False, queryset=None, empty_label=_("All"), widget=_select()
    )
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES, widget=_select())

    def __init__(self, *args, **kwargs):
        from apps.accounts.models import Department
        from apps.accounts.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All")), *Role.choices]
        self.fields["department"].queryset = Department.objects.order_by("code")

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        active = self.cleaned_data.get("active")
        return {
            "query": self.cleaned_data.get("q") or "",
            "role": self.cleaned_data.get("role") or "",
            "department": self.cleaned_data.get("department"),
            "active": None if active in ("", None) else active == "1",
        }


class StaffForm(ServiceErrorsMixin, forms.Form):
    """A staff member's account: names, e-mail, language, roles, department and deputy.

    The username is set when the account is created and never changes."""

    username = LineField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs=_LTR_INPUT),
        help_text=_("Letters, digits and . @ + - _ only; it cannot be changed later."),
    )
    full_name_ar = LineField(
        label=_("Full name in Arabic"), max_length=150, required=False, widget=forms.TextInput(attrs=_INPUT)
    )
    first_name = LineField(
        label=_("First name (English)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={**_INPUT, "dir": "ltr"}),
    )
    last_name = LineField(
        label=_("Last name (English)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={**_INPUT, "dir": "ltr"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs=_LTR_INPUT),
        help_text=_("The one-time link to choose a password is sent here."),
    )
    language = forms.ChoiceField(label=_("Language"), widget=_select())
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    department = _DepartmentField(
        label=_("Department"), required=False, queryset=None, empty_label=_("None"), widget=_select()
    )
    deputy = _MemberField(
        label=_("Deputy"),
        required=False,
        queryset=None,
        empty_label=_("None"),
        widget=_select(),
        help_text=_(
            "Stands in when this staff member is away; offered first when they delegate their queue."
        ),
        # Only other active members are offered: anything else posted gets this message.
        error_messages={"invalid_choice": _("Choose another active staff member as the deputy.")},
    )

    def __init__(self, *args, member=None, **kwargs):
        from apps.accounts import selectors
        from apps.accounts.models import Department, User
        from apps.accounts.roles import Role

        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["language"].choices = User.Language.choices
        self.fields["roles"].choices = Role.choices
        departments = Department.objects.filter(is_active=True)
        if member is not None and member.department_id:
            departments = Department.objects.filter(models_q_active_or(member.department_id))
        self.fields["department"].queryset = departments.order_by("code")
        self.fields["deputy"].queryset = selectors.deputy_candidates(user=member)
        if member is not None:
            del self.fields["username"]
            # Needed to create an account (the password link goes there); an existing account
            # without one can still have its roles changed.
            self.fields["email"].required = False
            if not self.is_bound:
                self.initial.update(
                    {
                        "full_name_ar": member.full_name_ar,
                        "first_name": member.first_name,
                        "last_name": member.last_name,
                        "email": member.email,
                        "language": member.language,
                        "roles": [g.name for g in member.groups.all()],
                        "department": member.department_id,
                        "deputy": member.deputy_id,
                    }
                )


def models_q_active_or(pk):
    from django.db.models import Q

    return Q(is_active=True) | Q(pk=pk)
