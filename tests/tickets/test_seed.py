import io

from apps.accounts import seed as accounts_seed
from apps.citizens.models import Citizen
from apps.tickets import seed
from apps.tickets.models import Category, Ticket


def test_the_demo_seed_is_idempotent_and_spans_kinds_channels_and_statuses(db, monkeypatch):
    monkeypatch.setattr(seed, "CITIZENS", 20)
    monkeypatch.setattr(seed, "TICKETS", 36)
    accounts_seed.seed(io.StringIO())
    seed.seed(io.StringIO())
    counts = (Category.objects.count(), Citizen.objects.count(), Ticket.objects.count())
    seed.seed(io.StringIO())
    assert (
        (Category.objects.count(), Citizen.objects.count(), Ticket.objects.count()) == counts == (26, 20, 36)
    )
    assert set(Ticket.objects.values_list("kind", flat=True)) == {
        "complaint",
        "inquiry",
        "suggestion",
        "maintenance",
    }
    assert len(set(Ticket.objects.values_list("status", flat=True))) >= 7
    assert len(set(Ticket.objects.values_list("channel", flat=True))) >= 4


def test_categories_are_two_levels_from_the_call_purposes(db):
    accounts_seed.seed(io.StringIO())
    seed.seed_categories()
    assert not Category.objects.filter(parent__parent__isnull=False).exists()
    top = set(Category.objects.filter(parent__isnull=True).values_list("code", flat=True))
    assert {"new-application", "request-delay", "maintenance", "complaint", "other"} <= top
    assert Category.objects.get(code="maintenance-plumbing").parent.default_department.code == "maintenance"
