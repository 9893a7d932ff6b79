"""The admin's text fields follow the same rules as every other form.

A configuration screen is still input: a name typed in the admin is stored without
direction controls or zero-width characters (``LineField``), and a free text is cleaned and
held to its length limit (``FreeTextField``, ``HOUSING_TEXT_MAX_CHARS`` unless the model
says less). Every ``ModelAdmin`` and inline of the project derives from the classes here;
``tests/core/test_admin_text.py`` fails on one that does not.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from apps.core.forms import FreeTextField, LineField


class TextRulesMixin:
    """Plain ``CharField``/``TextField`` columns get the project's text form fields.

    Fields with choices keep their select, and subclasses with a form field of their own
    (e-mail, slug, URL…) keep it: only the exact plain types are replaced.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if not db_field.choices:
            if type(db_field) is models.TextField:
                kwargs["form_class"] = FreeTextField
            elif type(db_field) is models.CharField:
                kwargs["form_class"] = LineField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ModelAdmin(TextRulesMixin, admin.ModelAdmin):
    pass


class TabularInline(TextRulesMixin, admin.TabularInline):
    pass


class StackedInline(TextRulesMixin, admin.StackedInline):
    pass
