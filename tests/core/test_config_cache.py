"""The per-process copies of configuration (apps.core.config_cache): every write through
the ORM or the admin, committed, reaches the next read; a rolled-back one leaves nothing."""

import pytest
from django.core.cache import cache
from django.db import DatabaseError, transaction

from apps.notifications.models import MessageTemplate
from apps.sla.models import Policy, PolicyVersion
from apps.tickets.models import Category
from apps.tickets.selectors import category_names_cache

from ..query_budget import committed
from ..tickets.factories import CategoryFactory


def _names():
    return [name_en for _pk, _ar, name_en, _children in category_names_cache.get()]


@pytest.fixture
def warm(db):
    category_names_cache.get()  # this process holds a copy
    return cache.get(category_names_cache.key)


def test_a_committed_save_and_delete_reach_the_next_read_and_every_process(warm):
    category = committed(lambda: CategoryFactory(name_en="Water leak"))
    assert "Water leak" in _names()
    after_save = cache.get(category_names_cache.key)
    assert after_save != warm  # the other processes reload on their next read

    committed(category.delete)
    assert "Water leak" not in _names()
    assert cache.get(category_names_cache.key) != after_save


def test_an_uncommitted_change_is_read_from_the_database_and_not_kept(warm):
    CategoryFactory(name_en="Pending")  # its on-commit has not run
    assert "Pending" in _names()
    assert cache.get(category_names_cache.key) == warm  # nothing published before the commit


def test_a_rolled_back_change_leaves_the_copy_as_it_was(warm):
    with pytest.raises(DatabaseError), transaction.atomic():
        CategoryFactory(name_en="Rolled back")
        raise DatabaseError("rolled back")
    assert "Rolled back" not in _names()
    assert cache.get(category_names_cache.key) == warm


def test_an_admin_edit_reaches_the_copy(admin_user, client, warm):
    category = committed(lambda: CategoryFactory(name_en="Before"))
    _names()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/tickets/category/{category.pk}/change/",
        {
            "code": category.code,
            "name_ar": category.name_ar,
            "name_en": "After",
            "position": 0,
            "is_active": "on",
            **{f"children-{k}": v for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))},
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Category.objects.get(pk=category.pk).name_en == "After", "the admin form did not save"
    assert "After" in _names()


@pytest.mark.parametrize("model", [Category, MessageTemplate, Policy, PolicyVersion])
def test_every_cached_model_is_watched(model):
    from django.db.models.signals import post_delete, post_save

    assert post_save.has_listeners(model) and post_delete.has_listeners(model)


def test_a_save_of_only_the_ignored_fields_is_not_a_change(db):
    """``watch(..., ignore_fields=...)``: a save that writes only those fields keeps every
    copy; a save of anything else, or a whole save, is a change; a delete always is."""
    from apps.core.config_cache import ConfigCache

    loads = []
    names = ConfigCache(
        "test-ignored-fields",
        lambda: loads.append(1) or sorted(Category.objects.values_list("name_en", flat=True)),
    )
    names.watch(Category, ignore_fields={"position"})
    try:
        category = committed(lambda: CategoryFactory(name_en="Kept"))
        names.get()
        version = cache.get(names.key)

        category.position = 7
        committed(lambda: category.save(update_fields=["position"]))
        assert names.get() == ["Kept"] and len(loads) == 1  # the copy stays
        assert cache.get(names.key) == version

        category.name_en = "Renamed"
        committed(lambda: category.save(update_fields=["position", "name_en"]))
        assert names.get() == ["Renamed"] and len(loads) == 2
        assert cache.get(names.key) != version

        committed(category.save)  # every field
        names.get()
        assert len(loads) == 3

        committed(category.delete)
        assert names.get() == [] and len(loads) == 4
    finally:
        from django.db.models.signals import post_delete, post_save

        post_save.disconnect(sender=Category, dispatch_uid=f"{names.key}:save:tickets.category")
        post_delete.disconnect(sender=Category, dispatch_uid=f"{names.key}:delete:tickets.category")
        from apps.core import config_cache

        config_cache._ALL.remove(names)
        config_cache._VERSION_KEYS.remove(names.key)


@pytest.fixture
def in_a_request():
    """Between request_started and request_finished (their receivers; sending the signals
    would also close the test's database connection). Calling it starts the next request."""
    from apps.core import config_cache

    config_cache._request_started()
    yield lambda: (config_cache._request_finished(), config_cache._request_started())
    config_cache._request_finished()


def test_in_a_request_the_versions_are_read_once_and_another_process_change_from_the_next(
    warm, in_a_request, monkeypatch
):
    loads = []
    load = category_names_cache._load
    monkeypatch.setattr(category_names_cache, "_load", lambda: loads.append(1) or load())
    _names()
    cache.set(category_names_cache.key, "published-by-another-process")
    _names()
    assert loads == []  # this request keeps the versions it read first
    in_a_request()  # the next request
    _names()
    assert loads == [1]


def test_a_change_committed_in_a_request_is_read_in_that_request(warm, in_a_request):
    _names()
    committed(lambda: CategoryFactory(name_en="Added now"))
    assert "Added now" in _names()
    assert cache.get(category_names_cache.key) != warm
