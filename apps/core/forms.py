"""Form pieces shared by every app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.parsing import YEAR_MAX, YEAR_MIN
from apps.core.text import latin_digits


class LatinDigitsMixin:
    """Accept Arabic-Indic digits in input by turning them into Western digits first."""

    def to_python(self, value):
        if isinstance(value, str):
            value = latin_digits(value)
        return super().to_python(value)


class LatinDigitsCharField(LatinDigitsMixin, forms.CharField):
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
