"""Form pieces shared by every app."""

from django import forms

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
    pass
