"""Minutes PDF for a meeting of 40 decisions: target < 2 s.

    make bench BENCH=committee_minutes
    .venv/bin/python -m bench.committee_minutes [--runs 10]

On the bench database (``loaddriver.prepare``), builds a committee, 40 referrals and a
meeting deciding all of them inside one transaction that is rolled back at the end
(nothing is left behind), then times the Arabic and the English minutes in this process.
Writes bench/results/committee_minutes.json and a sample of each PDF beside it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from bench import loaddriver as ld

    ld.prepare(seed=False)
    from django.db import transaction

    from apps.accounts import services as account_services
    from apps.accounts.roles import Role
    from apps.citizens import services as citizen_services
    from apps.committee import minutes, services
    from apps.committee.models import MemberRole, Outcome

    class Rollback(Exception):
        pass

    results = {}
    try:
        with transaction.atomic():
            secretary = account_services.user_create(
                username="bench-secretary",
                password="x-bench-pass-1",
                roles=[Role.COMMITTEE_SECRETARY],
                actor=None,
            )
            chair = account_services.user_create(
                username="bench-chair", password="x-bench-pass-1", roles=[Role.COMMITTEE_MEMBER], actor=None
            )
            committee = services.committee_upsert(
                code="bench-housing", name_ar="لجنة الإسكان", name_en="Housing"
            )
            services.membership_add(committee=committee, user=secretary, role=MemberRole.SECRETARY)
            services.membership_add(committee=committee, user=chair, role=MemberRole.CHAIR)
            reason = services.rejection_reason_upsert(
                code="bench-income",
                text_ar="الدخل يتجاوز الحد المسموح للخدمة الإسكانية",
                text_en="Income too high",
            )
            meeting = services.meeting_create(
                committee=committee,
                number=999,
                date=datetime.date(2026, 7, 5),
                place="قاعة الاجتماعات",
                actor=secretary,
            )
            meeting = services.meeting_record_attendance(
                meeting=meeting, present_user_ids=[secretary.pk, chair.pk], actor=secretary
            )
            referrals = []
            for i in range(40):
                citizen = citizen_services.citizen_create(
                    cpr=f"{980000000 + i:09d}", name_ar=f"مواطن {i}", actor=None
                )
                referrals.append(
                    services.referral_create(
                        committee=committee,
                        citizen=citizen,
                        subject="طلب استثناء من شرط الدخل لظروف أسرية خاصة",
                        summary="ملخص",
                        housing_application_number=f"2019{i:05d}",
                        source_kind="ticket",
                        source_reference=f"2026-{i:06d}-3",
                        actor=secretary,
                    )
                )
            services.agenda_add(meeting=meeting, referrals=referrals, actor=secretary)
            outcomes = [Outcome.APPROVED, Outcome.REJECTED, Outcome.DEFERRED]
            for i, referral in enumerate(referrals):
                outcome = outcomes[i % 3]
                services.decision_record(
                    meeting=meeting,
                    referral=referral,
                    outcome=outcome,
                    conditions="تقديم شهادة الراتب المحدثة وتحديث بيانات الأسرة خلال ثلاثين يوماً"
                    if outcome == "approved"
                    else "",
                    rejection_reason=reason if outcome == "rejected" else None,
                    needs="تقرير البحث الاجتماعي وشهادة طبية معتمدة" if outcome == "deferred" else "",
                    actor=secretary,
                )
            for language in ("ar", "en"):
                timings = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    content = minutes.minutes_pdf(meeting=meeting, language=language)
                    timings.append(time.perf_counter() - start)
                (Path(__file__).resolve().parent / "results").mkdir(exist_ok=True)
                (
                    Path(__file__).resolve().parent / "results" / f"committee_minutes_sample_{language}.pdf"
                ).write_bytes(content)
                results[language] = {
                    "runs": args.runs,
                    "first_s": round(timings[0], 3),
                    "median_s": round(statistics.median(timings), 3),
                    "p95_s": round(sorted(timings)[max(0, int(len(timings) * 0.95) - 1)], 3),
                    "max_s": round(max(timings), 3),
                    "bytes": len(content),
                }
            raise Rollback
    except Rollback:
        pass
    report = {"benchmark": "committee minutes PDF, 40 decisions", "target_s": 2.0, "results": results}
    out = Path(__file__).resolve().parent / "results" / "committee_minutes.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(
        "committee_minutes: "
        + " | ".join(
            f"{language} median {r['median_s']:.2f}s p95 {r['p95_s']:.2f}s max {r['max_s']:.2f}s"
            for language, r in results.items()
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
