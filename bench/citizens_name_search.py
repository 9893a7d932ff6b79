"""Citizen search by name (issue 18, part 6) at 1,000,000 citizens: target p95 < 80 ms with
one search in flight.

    python -m bench.citizens_name_search [--citizens 1000000] [--queries 1000] [--http 200]

1. Its own database ``<DATABASE_URL's name>_bench_names`` (created, migrated, the demo staff
   seeded) gets ``--citizens`` citizens by COPY when it has fewer: four-part Arabic names
   (first, father, grandfather, family) drawn with a skew (many Mohammeds, few Yaqoubs) and
   written the ways people really write them (أحمد/احمد, فاطمة/فاطمه, عيسى/عيسي,
   عبدالله/عبد الله, "بن" between names, the article or not on the family), a Latin name
   on most files and other Latin spellings on a third. The trigram index is dropped for
   the load and built once after it; PostgreSQL computes ``search_names`` itself.
2. ``--queries`` realistic searches, one in flight, through ``citizen_search`` (the
   selector the console, the ticket page and the API call), after a warm-up: what agents
   type — first and father's name, first and family, three names, a name typed in another
   spelling or without the article, a Latin spelling, a family alone, and names that
   match nobody. With ``--http`` that many more go through the API (``GET
   /api/v1/citizens/?q=…``) to gunicorn in another process, one in flight.
3. Prints p50/p95/p99 (and the load average: the machine is shared) and writes
   bench/results/citizens_name_search.json.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, datetime

from bench import _contacts_driver as driver

SUFFIX = "bench_names"
CPR_BASE = 400_000_000
TARGET_P95_MS = 80.0

# (ways it is written in Arabic, ways it is written in Latin letters), most common first.
MALE = [
    (["محمد", "مُحمّد"], ["Mohammed", "Muhammad", "Mohamed", "Mohamad"]),
    (["أحمد", "احمد"], ["Ahmed", "Ahmad"]),
    (["علي", "على"], ["Ali"]),
    (["عبدالله", "عبد الله"], ["Abdulla", "Abdullah", "Abdalla"]),
    (["حسن"], ["Hasan", "Hassan"]),
    (["حسين"], ["Hussain", "Hussein", "Husain"]),
    (["إبراهيم", "ابراهيم"], ["Ebrahim", "Ibrahim"]),
    (["يوسف"], ["Yousif", "Yusuf", "Yousef"]),
    (["خالد"], ["Khalid", "Khaled"]),
    (["عيسى", "عيسي"], ["Isa", "Eisa", "Issa"]),
    (["جاسم"], ["Jasim", "Jassim"]),
    (["عبدالرحمن", "عبد الرحمن"], ["Abdulrahman", "Abdul Rahman"]),
    (["سلمان"], ["Salman"]),
    (["راشد"], ["Rashid", "Rashed"]),
    (["سعيد"], ["Saeed", "Said"]),
    (["فيصل"], ["Faisal"]),
    (["محمود"], ["Mahmood", "Mahmoud"]),
    (["عبدالعزيز", "عبد العزيز"], ["Abdulaziz"]),
    (["صالح"], ["Saleh", "Salih"]),
    (["مصطفى", "مصطفي"], ["Mustafa", "Mostafa"]),
    (["موسى"], ["Mousa", "Musa"]),
    (["عمر"], ["Omar", "Umar"]),
    (["حمد"], ["Hamad"]),
    (["ناصر"], ["Nasser", "Naser"]),
    (["أسامة", "اسامه"], ["Osama", "Usama"]),
    (["جعفر"], ["Jaffar", "Jafar"]),
    (["منصور"], ["Mansoor", "Mansour"]),
    (["عادل"], ["Adel", "Adil"]),
    (["طارق"], ["Tariq", "Tareq"]),
    (["ياسر"], ["Yasser", "Yasir"]),
    (["مهدي"], ["Mahdi", "Mehdi"]),
    (["نبيل"], ["Nabeel", "Nabil"]),
    (["أنور"], ["Anwar"]),
    (["بدر"], ["Badr", "Bader"]),
    (["سامي"], ["Sami", "Sammy"]),
    (["عباس"], ["Abbas"]),
    (["زكريا"], ["Zakariya", "Zakaria"]),
    (["يعقوب"], ["Yaqoob", "Yacoub"]),
    (["إسماعيل", "اسماعيل"], ["Ismail", "Esmail"]),
    (["هشام"], ["Hisham"]),
    (["وليد"], ["Waleed", "Walid"]),
    (["كريم"], ["Kareem", "Karim"]),
    (["مازن"], ["Mazen"]),
    (["أيمن"], ["Ayman"]),
    (["شهاب"], ["Shehab"]),
    (["نواف"], ["Nawaf"]),
    (["تركي"], ["Turki"]),
    (["غازي"], ["Ghazi"]),
    (["عبدالكريم", "عبد الكريم"], ["Abdulkarim"]),
    (["أبوبكر", "أبو بكر"], ["Abubakr", "Abu Bakr"]),
]
FEMALE = [
    (["فاطمة", "فاطمه"], ["Fatima", "Fatema", "Fatimah"]),
    (["مريم"], ["Maryam", "Mariam"]),
    (["زينب"], ["Zainab", "Zeinab"]),
    (["نورة", "نوره"], ["Noora", "Nora", "Noura"]),
    (["سارة", "ساره"], ["Sara", "Sarah"]),
    (["عائشة", "عايشة"], ["Aisha", "Ayesha"]),
    (["هدى", "هدي"], ["Huda", "Hoda"]),
    (["منى", "مني"], ["Mona", "Muna"]),
    (["خديجة", "خديجه"], ["Khadija", "Khadeeja"]),
    (["آمنة", "امنة", "آمنه"], ["Amna", "Amina"]),
    (["ليلى", "ليلي"], ["Layla", "Laila"]),
    (["سلمى"], ["Salma"]),
    (["رقية", "رقيه"], ["Ruqaya", "Roqaya"]),
    (["إيمان", "ايمان"], ["Eman", "Iman"]),
    (["أسماء", "اسماء"], ["Asma", "Asmaa"]),
    (["حصة", "حصه"], ["Hessa", "Hissa"]),
    (["لطيفة", "لطيفه"], ["Latifa", "Lateefa"]),
    (["شيخة", "شيخه"], ["Shaikha", "Sheikha"]),
    (["دانة", "دانه"], ["Dana"]),
    (["ريم"], ["Reem", "Rim"]),
    (["جميلة", "جميله"], ["Jameela", "Jamila"]),
    (["بتول"], ["Batool", "Batul"]),
    (["وفاء"], ["Wafa", "Wafaa"]),
    (["أمل", "امل"], ["Amal"]),
    (["هيا"], ["Haya"]),
]
FAMILY = [
    (["الدوسري", "دوسري"], ["Al Dosari", "Aldosari", "Al-Dossary"]),
    (["البحارنة", "البحارنه"], ["Al Baharna", "Albaharna"]),
    (["العلوي"], ["Al Alawi", "Alalawi"]),
    (["المناعي"], ["Al Mannai", "Almannai"]),
    (["الشيخ"], ["Al Shaikh", "Alsheikh"]),
    (["السيد"], ["Al Sayed", "Alsayed"]),
    (["الجودر"], ["Al Jowder", "Aljowder"]),
    (["القطان"], ["Al Qattan", "Alqattan"]),
    (["المحمود"], ["Al Mahmood"]),
    (["الكعبي"], ["Al Kaabi", "Alkaabi"]),
    (["الحايكي"], ["Al Hayki", "Alhayki"]),
    (["الخياط"], ["Al Khayat", "Alkhayat"]),
    (["المطوع"], ["Al Mutawa", "Almutawa"]),
    (["الزياني"], ["Al Zayani", "Alzayani"]),
    (["الكوهجي"], ["Al Kooheji", "Kooheji"]),
    (["بوعلي"], ["Bu Ali", "Buali"]),
    (["بوحسن"], ["Bu Hasan", "Buhasan"]),
    (["فخرو"], ["Fakhro"]),
    (["كانو"], ["Kanoo"]),
    (["جناحي"], ["Janahi"]),
    (["الأنصاري", "الانصاري"], ["Al Ansari", "Alansari"]),
    (["العريض"], ["Al Arrayed", "Alarrayed"]),
    (["الستري"], ["Al Sitri", "Alsitri"]),
    (["المرزوق"], ["Al Marzooq", "Almarzooq"]),
    (["الحداد"], ["Al Haddad", "Alhaddad"]),
    (["الجشي"], ["Al Jishi", "Aljishi"]),
    (["النعيمي"], ["Al Noaimi", "Alnoaimi"]),
    (["البنعلي"], ["Al Binali", "Albinali"]),
    (["العصفور"], ["Al Asfoor", "Alasfoor"]),
    (["الموسوي"], ["Al Mousawi", "Almousawi"]),
    (["الغانم"], ["Al Ghanim", "Alghanim"]),
    (["الرميحي"], ["Al Rumaihi", "Alrumaihi"]),
    (["المسقطي"], ["Al Maskati", "Almaskati"]),
    (["الصباغ"], ["Al Sabbagh", "Alsabbagh"]),
    (["التميمي"], ["Al Tamimi", "Altamimi"]),
    (["الشهابي"], ["Al Shehabi", "Alshehabi"]),
    (["العرادي"], ["Al Aradi", "Alaradi"]),
    (["الوداعي"], ["Al Wadaei", "Alwadaei"]),
    (["الحلواجي"], ["Al Halwachi", "Alhalwachi"]),
    (["الملا"], ["Al Mulla", "Almulla"]),
    (["البستكي"], ["Al Bastaki", "Albastaki"]),
    (["الهاشمي"], ["Al Hashimi", "Alhashimi"]),
    (["الظاعن"], ["Al Dhaen", "Aldhaen"]),
    (["السندي"], ["Al Sindi", "Alsindi"]),
    (["العمران"], ["Al Omran", "Alomran"]),
    (["الخاجة", "الخاجه"], ["Al Khaja", "Alkhaja"]),
    (["المهزع"], ["Al Mahzaa"]),
    (["الشروقي"], ["Al Sherooqi", "Alsherooqi"]),
    (["الحمر"], ["Al Hamar", "Alhamar"]),
    (["الفردان"], ["Al Fardan", "Alfardan"]),
]


def _weights(pool):
    # A skew like real names: the first few are far more common than the last.
    return [1 / (rank + 1) ** 0.9 for rank in range(len(pool))]


W_MALE, W_FEMALE, W_FAMILY = _weights(MALE), _weights(FEMALE), _weights(FAMILY)


def person(rng: random.Random):
    """One citizen's names: the parts (indexes into the pools), Arabic, Latin, other Latin."""
    female = rng.random() < 0.45
    first = rng.choices(FEMALE if female else MALE, W_FEMALE if female else W_MALE)[0]
    father, grandfather = rng.choices(MALE, W_MALE, k=2)
    family = rng.choices(FAMILY, W_FAMILY)[0]
    connector = ("بنت" if female else "بن") if rng.random() < 0.15 else None
    words = [rng.choice(first[0])]
    if connector:
        words.append(connector)
    words += [rng.choice(father[0]), rng.choice(grandfather[0]), rng.choice(family[0])]
    latin = ""
    if rng.random() < 0.8:
        latin = " ".join(rng.choice(p[1]) for p in (first, father, grandfather, family))
    others = ""
    if rng.random() < 0.33:
        others = " / ".join(
            " ".join(rng.choice(p[1]) for p in (first, father, family)) for _ in range(rng.randint(1, 2))
        )
    return (first, father, grandfather, family), " ".join(words), latin, others


def _copy_citizens(cursor, have: int, count: int) -> None:
    """COPY the citizens in one transaction: the change-history trigger and the foreign-key
    triggers are skipped for it (``session_replication_role``: a million "created" history
    rows are not what is measured), and the secondary indexes are dropped and built once
    after the load from their saved definitions."""
    from django.db import transaction

    rng = random.Random(20261204 + have)
    now = datetime.now(UTC).isoformat()
    with transaction.atomic():
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SELECT coalesce(max(id), 0) FROM citizens_citizen")
        first_id = cursor.fetchone()[0] + 1
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'citizens_citizen'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        with cursor.copy(
            "COPY citizens_citizen (id, cpr, name_ar, name_en, latin_names, email, language, block, road,"
            " building, flat, area, created_at, updated_at) FROM STDIN"
        ) as copy:
            lines = []
            for k in range(have, count):
                _parts, arabic, latin, others = person(rng)
                lines.append(
                    f"{first_id + k - have}\t{CPR_BASE + k}\t{arabic}\t{latin}\t{others}\t\tar\t\t\t\t\t\t{now}\t{now}\n"
                )
                if len(lines) >= 20_000:
                    copy.write("".join(lines))
                    lines = []
                    if (k + 1) % 200_000 == 0:
                        print(
                            f"  generated {k + 1:,} citizens ({time.perf_counter() - started:.0f} s)",
                            flush=True,
                        )
            copy.write("".join(lines))
        print(f"  copied {count - have:,} citizens in {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('citizens_citizen', 'id'), (SELECT max(id) FROM citizens_citizen))"
        )
        for name, definition in indexes:
            step = time.perf_counter()
            cursor.execute(definition)
            print(f"  index {name} built in {time.perf_counter() - step:.0f} s", flush=True)
    cursor.execute("ANALYZE citizens_citizen")


def load(count: int) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM citizens_citizen WHERE cpr >= %s", [str(CPR_BASE)])
        have = cursor.fetchone()[0]
        started = time.perf_counter()
        if have < count:
            _copy_citizens(cursor, have, count)
        cursor.execute("SELECT count(*) FROM citizens_citizen")
        total = cursor.fetchone()[0]
    return {
        "citizens": total,
        "loaded_now": max(0, count - have),
        "load_s": round(time.perf_counter() - started, 1),
    }


def _strip_article(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def queries(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, query) pairs: what agents type, spread over common and rare names."""
    rng = random.Random(seed)
    out = []
    kinds = [
        ("first_father", 25),
        ("first_family", 20),
        ("three_names", 15),
        ("variant_no_article", 10),
        ("latin", 15),
        ("family_only", 5),
        ("four_names_connector", 5),
        ("no_match", 5),
    ]
    names = [k for k, _ in kinds]
    weights = [w for _, w in kinds]
    for _ in range(count):
        kind = rng.choices(names, weights)[0]
        (first, father, grandfather, family), *_rest = person(rng)
        if kind == "first_father":
            q = f"{rng.choice(first[0])} {rng.choice(father[0])}"
        elif kind == "first_family":
            q = f"{rng.choice(first[0])} {rng.choice(family[0])}"
        elif kind == "three_names":
            q = f"{rng.choice(first[0])} {rng.choice(father[0])} {rng.choice(family[0])}"
        elif kind == "variant_no_article":
            # typed with hamza and taa marbuta dropped, and no article on the family
            q = f"{first[0][-1]} {_strip_article(family[0][-1])}".replace("أ", "ا").replace("إ", "ا")
        elif kind == "latin":
            q = (
                f"{rng.choice(first[1])} {rng.choice(family[1])}".lower()
                if rng.random() < 0.3
                else (f"{rng.choice(first[1])} {rng.choice(father[1])}")
            )
        elif kind == "family_only":
            q = rng.choice(FAMILY[-20:])[0][0]  # the rarer families: a common one alone is no search
        elif kind == "four_names_connector":
            q = f"{rng.choice(first[0])} بن {rng.choice(father[0])} {rng.choice(grandfather[0])} {rng.choice(family[0])}"
        else:
            q = rng.choice(
                ["زبرجد القحطاني", "Xavier Pinto", "سندس المرعشلي", "Olga Petrova", "ثامر الخزرجي"]
            )
        out.append((kind, q))
    return out


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def _figures(latencies: list[float]) -> dict:
    return {
        "count": len(latencies),
        "p50_ms": round(_percentile(latencies, 50), 2),
        "p95_ms": round(_percentile(latencies, 95), 2),
        "p99_ms": round(_percentile(latencies, 99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
        "max_ms": round(max(latencies), 2),
    }


def measure_selector(agent, planned: list[tuple[str, str]], warmup: int) -> dict:
    from apps.citizens import selectors

    for _kind, q in planned[:warmup]:
        selectors.citizen_search(query=q, viewer=agent, names=True)
    latencies, by_kind, found = [], {}, []
    for kind, q in planned[warmup:]:
        started = time.perf_counter()
        rows = selectors.citizen_search(query=q, viewer=agent, names=True)
        elapsed = (time.perf_counter() - started) * 1000
        latencies.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
        found.append(len(rows))
    return {
        **_figures(latencies),
        "mean_found": round(statistics.fmean(found), 1),
        "no_result_share": round(sum(1 for n in found if n == 0) / len(found), 3),
        "by_kind": {kind: _figures(values) for kind, values in sorted(by_kind.items())},
    }


def measure_http(planned: list[tuple[str, str]]) -> dict:
    """The same searches through the API to gunicorn in another process, one in flight."""
    import httpx

    cookie = driver.session_cookie("agent")
    latencies = []
    with (
        driver.Server(SUFFIX, workers=2, threads=2) as server,
        httpx.Client(base_url=server.url, headers={"Cookie": cookie}, timeout=30) as client,
    ):
        for i, (_kind, q) in enumerate(planned):
            started = time.perf_counter()
            response = client.get("/api/v1/citizens/", params={"q": q})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"GET /api/v1/citizens/?q={q} answered {response.status_code}")
            if i >= 20:  # the first ones warm the workers
                latencies.append(elapsed)
    return _figures(latencies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=int(os.environ.get("HC_BENCH_CITIZENS", 1_000_000)))
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--http", type=int, default=0, help="also this many searches through the API")
    args = parser.parse_args()

    driver.prepare(SUFFIX)
    from django.contrib.auth import get_user_model

    data = load(args.citizens)
    print(f"  {data['citizens']:,} citizens in the database", flush=True)
    agent = get_user_model().objects.get(username="agent")
    planned = queries(args.queries + args.warmup)
    selector = measure_selector(agent, planned, args.warmup)
    results = {"selector": selector}
    if args.http:
        results["http_api"] = measure_http(queries(args.http + 20, seed=11))
    load_average = [round(x, 2) for x in os.getloadavg()]
    for name, figures in results.items():
        print(
            f"  {name:<10} p50 {figures['p50_ms']:>7.2f} ms  p95 {figures['p95_ms']:>7.2f} ms  "
            f"p99 {figures['p99_ms']:>7.2f} ms  ({figures['count']} searches, one in flight)",
            flush=True,
        )
    for kind, figures in selector["by_kind"].items():
        print(
            f"    {kind:<22} p50 {figures['p50_ms']:>7.2f} ms  p95 {figures['p95_ms']:>7.2f} ms", flush=True
        )
    print(f"  load average {load_average}", flush=True)
    line = " | ".join(
        f"{name} p50 {f['p50_ms']:.1f}ms p95 {f['p95_ms']:.1f}ms" for name, f in results.items()
    )
    driver.write(
        "citizens_name_search",
        {
            "target_p95_ms": TARGET_P95_MS,
            "data": data,
            "queries": args.queries,
            "warmup": args.warmup,
            "results": results,
            "load_average_at_end": load_average,
        },
        f"{data['citizens']:,} citizens · {line} · load {load_average[0]}",
    )


if __name__ == "__main__":
    main()
