"""The committee's pending pool with 5,000 pending referrals, from a separate process:
target p95 < 150 ms.

    make bench BENCH=committee_pool
    .venv/bin/python -m bench.committee_pool

On the bench database (demo data seeded: the Housing Committee with the demo secretary),
tops the pool up to 5,000 pending referrals (every fifth deferred before) with bulk
inserts, then measures, signed in as the secretary: the first page, a page filtered by
source, and an htmx "show more" page deep in the keyset (the last pages of the pool).
"""

from __future__ import annotations

import datetime

from bench import loaddriver as ld

TARGET = 5000


def _fill_pool() -> str:
    """Top the Housing Committee's pool up to TARGET pending referrals; return a cursor
    to one of the last pages."""
    from django.db import connection
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.citizens.models import Citizen
    from apps.committee import selectors
    from apps.committee.models import Committee, Referral, ReferralStatus

    committee = Committee.objects.get(code="housing")
    pending = Referral.objects.filter(committee=committee, status=ReferralStatus.PENDING).count()
    missing = max(0, TARGET - pending)
    if missing:
        base = 960000000 + Citizen.objects.count()
        citizens = Citizen.objects.bulk_create(
            Citizen(cpr=f"{base + i:09d}", name_ar=f"مواطن للقياس {i}") for i in range(missing)
        )
        start = timezone.now() - datetime.timedelta(days=400)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval('committee_referral_reference_seq') FROM generate_series(1, %s)", [missing]
            )
            numbers = [row[0] for row in cursor.fetchall()]
        Referral.objects.bulk_create(
            Referral(
                committee=committee,
                reference=f"CR-{start.year}-{numbers[i]:06d}",
                citizen=citizens[i],
                subject=f"طلب استثناء من شروط الاستحقاق رقم {i}",
                summary="عرض الحالة على اللجنة.",
                source_kind=("ticket", "secretary", "escalation")[i % 3],
                source_reference=f"{start.year}-{i:06d}-1" if i % 3 == 0 else "",
                deferral_count=1 if i % 5 == 0 else 0,
                referred_at=start + datetime.timedelta(minutes=97 * i),
            )
            for i in range(missing)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE committee_referral")
    secretary = User.objects.get(username="secretary")
    cursors, cursor = [], None
    while True:
        page = selectors.pending_pool(committee=committee, viewer=secretary, cursor=cursor)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
        cursors.append(cursor)
    return cursors[-3]


def main() -> None:
    ld.prepare()
    deep = _fill_pool()
    measurement = ld.measure(
        [
            ld.Endpoint("pool_first", "/committee/", as_user="secretary"),
            ld.Endpoint("pool_source", "/committee/?source=ticket", as_user="secretary"),
            ld.Endpoint(
                "pool_deep_htmx",
                f"/committee/?cursor={deep}",
                as_user="secretary",
                headers={"HX-Request": "true"},
            ),
        ],
        rounds=3,
        requests=200,
        concurrency=4,
    )
    ld.report("committee_pool", measurement, extra={"pending_referrals": TARGET, "target_p95_ms": 150})


if __name__ == "__main__":
    main()
