"""Finding 5 of issue 12, text: direction controls and zero-width characters out of
single-line fields, balanced in free text; every free text has a length limit."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.test import override_settings
from django.utils import translation

import apps
from apps.core.forms import FreeTextField, LineField
from apps.core.text import clean_line, clean_text

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
EVERY_CONTROL = LRE + RLE + PDF + LRO + RLO + LRI + RLI + FSI + PDI + "\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def test_a_single_line_loses_every_direction_control_and_zero_width_character():
    for char in EVERY_CONTROL + ZERO_WIDTH:
        assert clean_line(f"أحمد{char}علي") == "أحمدعلي", hex(ord(char))


def test_a_right_to_left_override_cannot_turn_a_name_around():
    assert clean_line(f"{RLO}exe.fdp") == "exe.fdp"


def test_a_single_line_has_no_line_break_nor_control_character():
    assert clean_line("  تأخر\r\nالطلب\tالإسكاني\x00 ") == "تأخر الطلب الإسكاني"


def test_free_text_closes_what_a_line_leaves_open():
    assert clean_text(f"الرقم {RLI}abc") == f"الرقم {RLI}abc{PDI}"
    assert clean_text(f"{RLO}exe.fdp\nالسطر التالي") == f"{RLO}exe.fdp{PDF}\nالسطر التالي"
    assert clean_text(f"{LRI}a{RLE}b") == f"{LRI}a{RLE}b{PDF}{PDI}"


def test_free_text_drops_a_closer_without_its_opener():
    assert clean_text(f"a{PDI}b{PDF}c") == "abc"
    # a PDF cannot close an embedding from outside the isolate it stands in
    assert clean_text(f"{RLE}a{LRI}b{PDF}{PDI}") == f"{RLE}a{LRI}b{PDI}{PDF}"


def test_an_isolate_closes_the_embeddings_opened_inside_it():
    assert clean_text(f"{LRI}a{RLE}b{PDI}c") == f"{LRI}a{RLE}b{PDF}{PDI}c"


def test_free_text_keeps_balanced_controls_and_joiners_as_typed():
    text = f"رقم المراجعة {LRI}2026-000123-4{PDI} وصل\u200c\u200d\r\nشكرا"
    assert clean_text(text) == text.replace("\r\n", "\n")


def _form_modules():
    for info in pkgutil.iter_modules(apps.__path__):
        try:
            yield importlib.import_module(f"apps.{info.name}.forms")
        except ModuleNotFoundError:
            continue


def _forms():
    for module in _form_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_text_field_of_every_form_cleans_its_input():
    """A new form field typed as a plain CharField fails here."""
    plain = []
    checked = 0
    for form_class in _forms():
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
                continue
            checked += 1
            # Subclasses (e-mail, regex, the sign-in form's user name) check their own format.
            if type(field) is forms.CharField:
                plain.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert checked > 60
    assert plain == []


def test_every_free_text_field_of_every_form_has_a_limit():
    for form_class in _forms():
        for name, field in form_class.base_fields.items():
            if isinstance(field, FreeTextField):
                assert 0 < field.limit <= 20_000, f"{form_class.__name__}.{name}"
            elif isinstance(field, LineField) and not isinstance(
                field.widget, forms.HiddenInput | forms.Select
            ):
                assert field.max_length, f"{form_class.__name__}.{name} has no max_length"


class _NoteForm(forms.Form):
    body = FreeTextField()


@override_settings(HOUSING_TEXT_MAX_CHARS=100)
@pytest.mark.parametrize(
    ("language", "words"), [("en", "This text is too long"), ("ar", "هذا النص أطول من المسموح")]
)
def test_a_text_over_the_limit_is_refused_saying_so_in_both_languages(language, words):
    with translation.override(language):
        form = _NoteForm({"body": "x" * 101})
        assert not form.is_valid()
        message = form.errors["body"][0]
    assert words in message and "100" in message and "101" in message


def _writable_plain_char_fields(serializer, prefix="") -> list[str]:
    from rest_framework import serializers

    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    if not isinstance(serializer, serializers.Serializer):
        return []
    found = []
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if type(field) is serializers.CharField or (
            isinstance(field, serializers.ListField) and type(field.child) is serializers.CharField
        ):
            found.append(prefix + name)
        found += _writable_plain_char_fields(field, f"{prefix}{name}.")
    return found


def test_every_text_field_of_every_api_request_cleans_its_input(db):
    """Every request body the OpenAPI schema documents: a new endpoint is covered as it comes."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    plain, checked = [], 0
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        schema = view.schema
        schema.path, schema.path_regex, schema.method, schema.view = path, path_regex, method, view
        serializer = schema.get_request_serializer()
        if serializer is None:
            continue
        checked += 1
        serializer = serializer() if isinstance(serializer, type) else serializer
        plain += [f"{method} {path}: {name}" for name in _writable_plain_char_fields(serializer)]
    assert checked > 25
    assert plain == []
