"""The hot paths' query counts (issue 15's performance): "next call" is one statement, and an
import costs the same number of queries for ten rows as for three hundred. Counts, never
timings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.campaigns import imports, services
from apps.campaigns.models import Target

from .conftest import SUNDAY_10, records

pytestmark = pytest.mark.django_db


def test_next_call_is_one_statement(make_campaign, agent, calendar, django_assert_num_queries):
    campaign = make_campaign(targets=5)
    with django_assert_num_queries(1):
        target = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    with django_assert_num_queries(1):  # the target held comes back, still one statement
        again = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    assert again.pk == target.pk


def test_the_claimed_target_is_the_row_as_saved(make_campaign, agent, calendar):
    """The claim builds the model from its own prepared statement: every field (phones, the
    JSON fields, dates) must read as the ORM reads it."""
    campaign = make_campaign(targets=2)
    target = services.target_claim_next(campaign=campaign, actor=agent, now=SUNDAY_10, calendar=calendar)
    stored = Target.objects.get(pk=target.pk)
    for field in Target._meta.concrete_fields:
        assert getattr(target, field.attname) == getattr(stored, field.attname), field.name
    assert isinstance(target.fields, dict)
    assert target.phones and isinstance(target.phones, list)
    assert target.campaign == campaign


def test_an_import_costs_the_same_queries_for_ten_rows_as_for_three_hundred(make_campaign, supervisor):
    def queries(n: int) -> int:
        campaign = make_campaign(start=False)
        with CaptureQueriesContext(connection) as captured:
            report = imports.targets_add(
                campaign=campaign, records=records(n), actor=supervisor, now=SUNDAY_10
            )
        assert report.added == n
        return len(captured)

    assert queries(10) == queries(300)


def test_a_large_import_refreshes_the_planner_statistics(make_campaign, supervisor, monkeypatch):
    monkeypatch.setattr(imports, "ANALYZE_AFTER_ROWS", 20)
    campaign = make_campaign(start=False)
    with CaptureQueriesContext(connection) as captured:
        imports.targets_add(campaign=campaign, records=records(25), actor=supervisor, now=SUNDAY_10)
    assert any(q["sql"].startswith("ANALYZE") for q in captured)
    with CaptureQueriesContext(connection) as captured:
        imports.targets_add(campaign=make_campaign(start=False), records=records(5), actor=supervisor)
    assert not any(q["sql"].startswith("ANALYZE") for q in captured)
