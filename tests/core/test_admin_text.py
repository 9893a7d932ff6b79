"""The admin is input like any other form: names cleaned, free text held to its limit."""

import pytest
from django.contrib import admin

from apps.contacts.models import Purpose, QuickAnswer
from apps.core.admin import TextRulesMixin

RLO, ZWSP = "\u202e", "\u200b"


def test_every_admin_and_inline_of_the_project_applies_the_text_rules():
    offenders = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("apps."):
            continue
        for cls in (type(model_admin), *model_admin.inlines):
            if not issubclass(cls, TextRulesMixin):
                offenders.append(f"{model.__name__}: {cls.__module__}.{cls.__qualname__}")
    assert not offenders, "derive from apps.core.admin classes: " + ", ".join(offenders)


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    return client


def _answer(purpose, **over):
    data = {
        "purpose": purpose.pk,
        "title_ar": "موعد مزايا",
        "title_en": "Mazaya appointment",
        "body_ar": "احجز من البوابة",
        "body_en": "Book on the portal",
        "order": 1,
        "is_active": "on",
    }
    return data | over


@pytest.mark.django_db
def test_a_title_typed_in_the_admin_is_stored_without_direction_controls(admin_client):
    purpose = Purpose.objects.create(code="mazaya-test", name_ar="مزايا", name_en="Mazaya")
    response = admin_client.post(
        "/admin/contacts/quickanswer/add/", _answer(purpose, title_en=f"{RLO}exe.fdp{ZWSP}")
    )
    assert response.status_code == 302
    assert QuickAnswer.objects.get(purpose=purpose).title_en == "exe.fdp"


@pytest.mark.django_db
def test_an_answer_over_the_length_limit_is_refused_with_both_numbers_and_nothing_saved(
    admin_client, settings
):
    settings.HOUSING_TEXT_MAX_CHARS = 100
    purpose = Purpose.objects.create(code="mazaya-test", name_ar="مزايا", name_en="Mazaya")
    response = admin_client.post("/admin/contacts/quickanswer/add/", _answer(purpose, body_en="x" * 101))
    assert response.status_code == 200
    page = response.content.decode()
    assert "101" in page and "100" in page
    assert not QuickAnswer.objects.filter(purpose=purpose).exists()
