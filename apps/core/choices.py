"""The display label of a model field's choice, cheaply.

Django's ``get_<field>_display()`` rebuilds a dictionary of the field's choices on every
call (hashing each lazy label, which translates it); a timeline of a few hundred entries
spends most of its time there. Here the value → label mapping is built once per field and
kept on the field; labels stay lazy, so each is translated into the active language when
it is turned into text, as before.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


def choice_label(instance: models.Model, field_name: str) -> str:
    field = instance._meta.get_field(field_name)
    labels = field.__dict__.get("_choice_labels")
    if labels is None:
        labels = {value: label for value, label in field.flatchoices}
        field.__dict__["_choice_labels"] = labels
    value = getattr(instance, field.attname)
    return str(labels.get(value, value))


# The empty choice of a drop-down, in words (Django's default is "---------").
CHOOSE = pgettext_lazy("empty choice of a drop-down", "Choose…")
