from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LineField


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
