"""The shared short-lived cache with a version key (list counts, menus of saved views)."""

import pytest
from django.core.cache import cache

from apps.core import versioned_cache
from apps.core.versioned_cache import VersionedCache


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    yield
    cache.clear()


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    return compute, calls


def test_a_value_is_computed_once_and_kept():
    kept, (compute, calls) = VersionedCache("test:kept", ttl=60), _counter()
    assert kept.get("a", compute) == {"n": 1}
    assert kept.get("a", compute) == {"n": 1}
    assert len(calls) == 1


def test_a_bump_drops_every_key_at_once():
    kept, (compute, calls) = VersionedCache("test:bumped", ttl=60), _counter()
    kept.get("a", compute), kept.get("b", compute)
    kept.bump()
    assert kept.get("a", compute) == {"n": 3} and kept.get("b", compute) == {"n": 4}
    assert len(calls) == 4


def test_a_signal_before_the_rows_are_written_changes_nothing():
    kept, (compute, calls) = VersionedCache("test:signal", ttl=60), _counter()
    kept.get("a", compute)
    kept.changed(action="pre_add")
    kept.get("a", compute)
    assert len(calls) == 1


def test_with_redis_down_the_value_is_computed_every_time_and_nothing_fails(monkeypatch):
    class Down:
        def __getattr__(self, name):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(versioned_cache, "_backend", lambda: Down())
    kept, (compute, _calls) = VersionedCache("test:down", ttl=60), _counter()
    assert kept.get("a", compute) == {"n": 1}
    assert kept.get("a", compute) == {"n": 2}
    kept.bump()  # logged, not raised
