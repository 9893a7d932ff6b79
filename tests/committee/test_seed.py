import io

import time_machine

from apps.accounts.seed import seed as seed_accounts
from apps.committee.models import Committee, Referral
from apps.committee.seed import seed
from apps.committee.selectors import month_figures


@time_machine.travel("2026-08-10 09:00 +03:00", tick=False)
def test_the_demo_month_looks_like_the_statement_and_a_second_run_adds_nothing(db):
    seed_accounts(io.StringIO())
    seed(io.StringIO())
    committee = Committee.objects.get(code="housing")
    july = month_figures(year=2026, month=7, committee=committee)
    assert (july.referred, july.meetings_held, july.approved, july.rejected, july.deferred) == (
        90,
        5,
        35,
        24,
        8,
    )
    assert july.pending_at_month_end == 90 - 35 - 24
    count = Referral.objects.count()
    seed(io.StringIO())
    assert Referral.objects.count() == count
    assert committee.memberships.filter(role="chair", is_active=True).count() == 1
