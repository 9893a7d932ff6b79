import io

from apps.accounts import seed as accounts_seed
from apps.committee import services as committee_services
from apps.escalations import seed
from apps.escalations.models import Escalation
from apps.tickets import seed as tickets_seed


def test_the_demo_cases_are_about_fifty_in_every_state_and_seeding_twice_adds_none(db, monkeypatch):
    monkeypatch.setattr(tickets_seed, "CITIZENS", 20)
    monkeypatch.setattr(tickets_seed, "TICKETS", 0)
    accounts_seed.seed(io.StringIO())
    tickets_seed.seed(io.StringIO())
    committee_services.committee_upsert(code="housing", name_ar="لجنة الإسكان", name_en="Housing Committee")
    seed.seed(io.StringIO())
    count = Escalation.objects.count()
    seed.seed(io.StringIO())
    assert count == Escalation.objects.count() == 50
    assert set(Escalation.objects.values_list("status", flat=True)) == {
        "received",
        "under_study",
        "referred_to_committee",
        "decided",
        "citizen_informed",
        "closed",
    }
    assert set(Escalation.objects.values_list("source", flat=True)) == {"citizen", "staff", "sla_breach"}
