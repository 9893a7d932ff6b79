import datetime

from django.utils import timezone

from apps.committee import selectors
from apps.committee.models import Referral


def test_paging_through_the_pool_keeps_deferred_first_then_oldest_across_groups(
    make_referral, secretary, committee
):
    start = timezone.now() - datetime.timedelta(days=30)
    made = [make_referral(referred_at=start + datetime.timedelta(hours=i)) for i in range(7)]
    Referral.objects.filter(pk__in=[made[5].pk, made[2].pk]).update(deferral_count=1)
    Referral.objects.filter(pk=made[6].pk).update(deferral_count=2)
    seen, cursor = [], None
    while True:
        page = selectors.pending_pool(committee=committee, viewer=secretary, cursor=cursor, limit=2)
        seen += [r.pk for r in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    expected = [made[i].pk for i in (6, 2, 5, 0, 1, 3, 4)]
    assert seen == expected


def test_the_pool_filters_by_source_and_deferred(make_referral, secretary, committee):
    ticket = make_referral(source_kind="ticket", source_reference="2026-000001-1")
    escalation = make_referral(source_kind="escalation", source_reference="UYC-1")
    Referral.objects.filter(pk=escalation.pk).update(deferral_count=1)
    by_source = selectors.pending_pool(committee=committee, viewer=secretary, source="ticket").rows
    deferred = selectors.pending_pool(committee=committee, viewer=secretary, deferred_only=True).rows
    assert by_source == [ticket] and deferred == [escalation]
