"""Form pieces shared by every app."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.parsing import YEAR_MAX, YEAR_MIN
from apps.core.text import clean_line, clean_text, latin_digits, too_long_message


class LineField(forms.CharField):
    """A single-line text (a name, a subject, a reference): stored without direction
    controls, zero-width or control characters (``apps.core.text.clean_line``)."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_line(value) if isinstance(value, str) else value


class FreeTextField(forms.CharField):
    """Free text (a note, a reply, a message, a decision): direction controls kept only in
    balanced pairs (``apps.core.text.clean_text``), and at most ``max_length`` characters,
    by default ``HOUSING_TEXT_MAX_CHARS`` (read when the form is checked), with a message
    that says both numbers."""

    widget = forms.Textarea

    def __init__(self, *, max_length=None, **kwargs):
        self.text_limit = max_length
        super().__init__(**kwargs)

    @property
    def limit(self) -> int:
        return self.text_limit or settings.HOUSING_TEXT_MAX_CHARS

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) else value

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.limit:
            raise ValidationError(too_long_message(len(value), self.limit), code="max_length")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.text_limit and not widget.is_hidden:
            attrs["maxlength"] = str(self.text_limit)
        return attrs


class LatinDigitsMixin:
    """Accept Arabic-Indic digits in input by turning them into Western digits first."""

    def to_python(self, value):
        if isinstance(value, str):
            value = latin_digits(value)
        return super().to_python(value)


class LatinDigitsCharField(LatinDigitsMixin, LineField):
    pass


class LatinDigitsIntegerField(LatinDigitsMixin, forms.IntegerField):
    pass


class LatinDigitsDateField(LatinDigitsMixin, forms.DateField):
    """A date within ``YEAR_MIN``..``YEAR_MAX``: "9999-12-31" is refused here rather than
    overflowing the day-after arithmetic of a date filter."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None and not YEAR_MIN <= parsed.year <= YEAR_MAX:
            raise forms.ValidationError(
                _("Enter a date between the years %(min)d and %(max)d.") % {"min": YEAR_MIN, "max": YEAR_MAX},
                code="date_out_of_range",
            )
        return parsed


class ServiceErrorsMixin:
    """Put a service's refusal (``ApplicationError``) on the fields it names, else on top."""

    def add_service_errors(self, error) -> None:
        placed = False
        for field, messages in (error.details or {}).items():
            if field in self.fields and isinstance(messages, list | tuple):
                for message in messages or [error.message]:
                    self.add_error(field, str(message))
                placed = True
        if not placed:
            self.add_error(None, str(error.message))
