"""Generator: 1,000,000 citizens (with a mobile each) and 1,000,000 tickets (with their
"created" timeline entry) loaded with COPY into the bench database, in under 5 minutes.

    .venv/bin/python -m bench.tickets_load            # load (skipped when already loaded)
    .venv/bin/python -m bench.tickets_load --force    # drop the bench database and load afresh

How it stays fast, and still ends with the same schema the app runs on:

1. the secondary indexes of the four tables are dropped (their definitions kept), and
   foreign-key triggers are skipped for this session (``session_replication_role``);
2. rows are generated in Python as tab-separated text and streamed with ``COPY … FROM
   STDIN``; PostgreSQL computes ``search_text`` (the folded search column) itself;
3. the indexes are rebuilt from their saved definitions (one build is faster than a
   million inserts), the year sequences are moved past the loaded numbers, and ANALYZE
   gives the planner its statistics.

Tickets span 2019–2026 (125,000 a year, numbered by the year's sequence with the Damm check
digit), all kinds, channels, statuses, categories and departments; their text mixes Arabic
spelling variants (إسكاني/اسكاني, الشقة/الشقه, …) so the search has real folding to do.
Writes bench/results/tickets_load.json.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta

from bench import loaddriver as ld

CITIZENS = 1_000_000
TICKETS = 1_000_000
YEARS = list(range(2019, 2027))
CPR_BASE = 100_000_000  # generated CPRs are 100000000…100999999 (the demo seed uses 9xxxxxxxx)
MOBILE_BASE = 36_000_000  # generated mobiles are +973 36000000…36999999
EXTERNAL_PREFIX = "GEN-"  # marks generated tickets (external_reference)
TABLES = ["citizens_citizen", "citizens_citizenphone", "tickets_ticket", "tickets_ticketevent"]

FIRST = "محمد أحمد علي حسن حسين فاطمة زينب مريم خالد عبدالله نورة سارة يوسف إبراهيم هدى منى جاسم عيسى".split()
LAST = "الخليفة البحارنة العلوي الدوسري المناعي الشيخ السيد الجودر القطان المحمود الكعبي الحايكي".split()
AREAS = "مدينة_عيسى مدينة_حمد الرفاع المحرق سترة مدينة_سلمان عراد الحد البديع جدحفص".split()
# Sentences people write, with the spellings they really mix.
OPENINGS = [
    "تقدمت بطلب إسكاني منذ سنوات",
    "تقدمت بطلب اسكاني منذ مدة طويلة",
    "أرغب في الاستفسار عن حالة طلبي",
    "ارغب في معرفة موعد التخصيص",
    "يوجد تسرب مياه في الشقة",
    "يوجد تسرب مياه في الشقه",
    "عطل في التكييف المركزي",
    "انقطاع الكهرباء عن الوحدة السكنية",
    "أقترح تطوير خدمة المتابعة الإلكترونية",
    "لم يتم الرد على اتصالاتي المتكررة",
    "The water heater in the flat is broken",
    "I would like to know the status of my housing application",
]
MIDDLES = [
    "ولم أتلقَ أي رد حتى الآن",
    "وراجعت مركز خدمة العملاء أكثر من مرة",
    "والمشكلة تتكرر كل أسبوع",
    "وأرجو سرعة المعالجة",
    "في المطبخ والحمام",
    "في مشروع مدينة سلمان",
    "رغم استيفاء جميع الشروط",
    "and nobody has called me back",
    "since last month",
]
SUBJECTS = [
    "تأخر الطلب الإسكاني",
    "الاستفسار عن حالة الطلب",
    "تسرب مياه",
    "عطل في التكييف",
    "انقطاع الكهرباء",
    "موعد برنامج مزايا",
    "سوء التعامل",
    "مقترح لتطوير الخدمة",
    "Housing application status",
    "Maintenance request",
]
KINDS = ["complaint"] * 3 + ["inquiry"] * 4 + ["suggestion"] + ["maintenance"] * 2
CHANNELS = ["phone"] * 6 + ["web"] * 2 + ["walk_in", "chat", "email", "tawasul", "video", "uyc"]
OPEN = ["new", "acknowledged", "in_progress", "awaiting_citizen", "referred_to_committee", "escalated"]
URGENCY_PRIORITY = {"emergency": "urgent", "urgent": "high", "routine": "normal"}


def _text(value: str) -> str:
    """A value for COPY's text format (tabs, newlines and backslashes escaped)."""
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


def _stamp(value: datetime) -> str:
    return value.isoformat()


class _Sink:
    """Buffers COPY text and sends it in 1 MB pieces."""

    def __init__(self, copy):
        self.copy = copy
        self.buffer = io.StringIO()

    def write(self, line: str) -> None:
        self.buffer.write(line)
        if self.buffer.tell() > 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.copy.write(self.buffer.getvalue())
        self.buffer = io.StringIO()


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [TABLES],
    )
    return cursor.fetchall()


def _unique_constraints(cursor) -> list[tuple[str, str, str]]:
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)
        """,
        [TABLES],
    )
    return cursor.fetchall()


def _index_label(sql: str) -> str:
    return sql.split(" ON ")[0].split()[-1].strip('"')


def loaded_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM tickets_ticket WHERE external_reference LIKE %s LIMIT %s) t",
            [f"{EXTERNAL_PREFIX}%", TICKETS],
        )
        return cursor.fetchone()[0]


def _reference_rows():
    """Categories (with their departments) and staff to spread the tickets over."""
    from apps.accounts.models import User
    from apps.tickets.models import Category

    categories = [
        (c.pk, c.default_department_id or (c.parent.default_department_id if c.parent_id else None))
        for c in Category.objects.select_related("parent")
    ]
    staff = list(
        User.objects.filter(username__in=["agent", "supervisor", "officer"]).values_list("pk", flat=True)
    )
    agent = User.objects.get(username="agent").pk
    return categories, staff, agent


def load() -> dict:
    from django.db import connection, transaction

    from apps.tickets.review_numbers import ReviewNumber, sequence_name

    rng = random.Random(20260101)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    categories, staff, agent = _reference_rows()
    now = datetime.now(UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers while loading
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        indexes = _secondary_indexes(cursor)
        uniques = _unique_constraints(cursor)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for table, name, _definition in uniques:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        timings["drop_indexes_s"] = time.perf_counter() - started

        # --- citizens and their mobiles ---------------------------------------------------
        step = time.perf_counter()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM citizens_citizen")
        first_citizen = cursor.fetchone()[0] + 1
        stamp = _stamp(now)
        columns = "id, created_at, updated_at, cpr, name_ar, name_en, email, language, block, road, building, flat, area"
        with cursor.connection.cursor().copy(f"COPY citizens_citizen ({columns}) FROM STDIN") as copy:
            sink = _Sink(copy)
            for i in range(CITIZENS):
                name = f"{FIRST[i % 18]} {FIRST[(i // 18) % 18]} {LAST[(i // 324) % 12]}"
                sink.write(
                    f"{first_citizen + i}\t{stamp}\t{stamp}\t{CPR_BASE + i}\t{name}\t\t\tar\t"
                    f"{100 + i % 900}\t{i % 4000}\t{i % 300}\t{i % 40}\t{AREAS[i % 10].replace('_', ' ')}\n"
                )
            sink.flush()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM citizens_citizenphone")
        first_phone = cursor.fetchone()[0] + 1
        columns = "id, created_at, updated_at, citizen_id, number, kind, is_primary"
        with cursor.connection.cursor().copy(f"COPY citizens_citizenphone ({columns}) FROM STDIN") as copy:
            sink = _Sink(copy)
            for i in range(CITIZENS):
                sink.write(
                    f"{first_phone + i}\t{stamp}\t{stamp}\t{first_citizen + i}\t+973{MOBILE_BASE + i}\tmobile\tt\n"
                )
            sink.flush()
        timings["citizens_s"] = time.perf_counter() - step

        # --- tickets and their "created" events --------------------------------------------
        step = time.perf_counter()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticket")
        first_ticket = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticketevent")
        first_event = cursor.fetchone()[0] + 1
        per_year = TICKETS // len(YEARS)
        last_sequence: dict[int, int] = {}
        for year in YEARS:
            cursor.execute(
                "SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", [sequence_name(year)]
            )
            if cursor.fetchone():
                cursor.execute(f'SELECT last_value, is_called FROM "{sequence_name(year)}"')
                value, called = cursor.fetchone()
                last_sequence[year] = value if called else 0
            else:
                last_sequence[year] = 0
        ticket_columns = (
            "id, created_at, updated_at, review_number, kind, channel, subject, description, is_anonymous, "
            "contact_phone, language, priority, urgency, status, received_at, acknowledged_at, first_response_at, "
            "responded_at, closed_at, external_reference, rating_comment, category_id, citizen_id, department_id, "
            "assignee_id, created_by_id, confidential"
        )
        event_rows = io.StringIO()
        year_start = {y: datetime(y, 1, 1, 5, tzinfo=UTC) for y in YEARS}
        span = {y: (datetime(y + 1, 1, 1, tzinfo=UTC) - year_start[y]).total_seconds() for y in YEARS}
        with cursor.connection.cursor().copy(f"COPY tickets_ticket ({ticket_columns}) FROM STDIN") as copy:
            sink = _Sink(copy)
            ticket_id = first_ticket
            for year in YEARS:
                # Received times in order within the year, as a real sequence hands them out.
                offsets = sorted(rng.random() for _ in range(per_year))
                for n, offset in enumerate(offsets, start=1):
                    received = year_start[year] + timedelta(seconds=offset * span[year] * 0.999)
                    if received > now:
                        received = now - timedelta(seconds=(per_year - n) * 7)
                    sequence = last_sequence[year] + n
                    number = str(ReviewNumber(year, sequence))
                    kind = KINDS[rng.randrange(len(KINDS))]
                    citizen_index = rng.randrange(CITIZENS)
                    category, department = categories[rng.randrange(len(categories))]
                    urgency = (
                        rng.choice(("emergency", "urgent", "routine", "routine"))
                        if kind == "maintenance"
                        else ""
                    )
                    priority = URGENCY_PRIORITY[urgency] if urgency else ("high" if n % 17 == 0 else "normal")
                    age_days = (now - received).days
                    status = "closed" if age_days > 60 and n % 20 else rng.choice((*OPEN, "responded"))
                    acknowledged = received + timedelta(hours=3) if status != "new" else None
                    responded = received + timedelta(days=4) if status in ("responded", "closed") else None
                    closed = received + timedelta(days=9) if status == "closed" else None
                    assignee = staff[n % len(staff)] if n % 3 == 0 and staff else None
                    subject = SUBJECTS[rng.randrange(len(SUBJECTS))]
                    description = (
                        f"{OPENINGS[rng.randrange(len(OPENINGS))]} {MIDDLES[rng.randrange(len(MIDDLES))]} "
                        f"رقم الطلب {rng.randrange(1, 99999)} مجمع {rng.randrange(100, 1000)}"
                    )
                    when = _stamp(received)
                    sink.write(
                        "\t".join(
                            (
                                str(ticket_id),
                                when,
                                when,
                                number,
                                kind,
                                CHANNELS[rng.randrange(len(CHANNELS))],
                                _text(subject),
                                _text(description),
                                "f",
                                f"+973{MOBILE_BASE + citizen_index}",
                                "ar",
                                priority,
                                urgency,
                                status,
                                when,
                                _stamp(acknowledged) if acknowledged else "\\N",
                                _stamp(responded) if responded else "\\N",
                                _stamp(responded) if responded else "\\N",
                                _stamp(closed) if closed else "\\N",
                                f"{EXTERNAL_PREFIX}{ticket_id}",
                                "",
                                str(category),
                                str(first_citizen + citizen_index),
                                str(department) if department else "\\N",
                                str(assignee) if assignee else "\\N",
                                str(agent),
                                "f",  # confidential: generated tickets are not "Under Your Command"
                            )
                        )
                        + "\n"
                    )
                    event_rows.write(
                        f"{first_event + ticket_id - first_ticket}\tcreated\t{when}\t\t\t\t\t{agent}\t{ticket_id}\n"
                    )
                    ticket_id += 1
                last_sequence[year] += per_year
            sink.flush()
        timings["tickets_s"] = time.perf_counter() - step
        step = time.perf_counter()
        columns = "id, kind, at, body, from_status, to_status, reason, actor_id, ticket_id"
        with cursor.connection.cursor().copy(f"COPY tickets_ticketevent ({columns}) FROM STDIN") as copy:
            copy.write(event_rows.getvalue())
        del event_rows
        timings["events_s"] = time.perf_counter() - step

        for year, value in last_sequence.items():
            name = sequence_name(year)
            cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" AS bigint MINVALUE 1 START WITH 1')
            cursor.execute("SELECT setval(%s::regclass, %s)", [name, value])
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )

    # --- indexes: rebuilt from their saved definitions, the trigram index (by far the
    # longest build) on one connection while a second builds all the others. A unique
    # constraint is rebuilt as a unique index first (CREATE INDEX builds can run side by
    # side; ALTER TABLE would wait for the trigram build) and attached once all are done.
    step = time.perf_counter()
    statements = [
        f'CREATE UNIQUE INDEX "{name}" ON "{table}" {definition.removeprefix("UNIQUE ")}'
        for table, name, definition in uniques
    ]
    statements += [definition for _name, definition in indexes]
    slow = [sql for sql in statements if "gin_trgm_ops" in sql]
    rest = [sql for sql in statements if sql not in slow]
    index_timings: dict[str, float] = {}

    # The same server and database as Django's connection, whatever the settings name it by
    # (a URL's host and port, or the embedded server's socket directory).
    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key in ("dbname", "host", "port", "user", "password") and value
    }
    failures: list[BaseException] = []

    def build(batch: list[str]) -> None:
        import psycopg

        try:
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '1GB'")
                for sql in batch:
                    began = time.perf_counter()
                    conn.execute(sql)
                    index_timings[_index_label(sql)] = round(time.perf_counter() - began, 1)
        except BaseException as exc:  # re-raised below: a thread's exception would be lost
            failures.append(exc)

    workers = [threading.Thread(target=build, args=(batch,)) for batch in (slow, rest) if batch]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        raise failures[0]
    with connection.cursor() as cursor:
        for table, name, _definition in uniques:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"')
    timings["indexes_s"] = time.perf_counter() - step
    step = time.perf_counter()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    timings["analyze_s"] = time.perf_counter() - step
    timings["total_s"] = time.perf_counter() - started
    return {**{k: round(v, 1) for k, v in timings.items()}, "index_builds_s": index_timings}


def _drop_bench_database() -> None:
    """Start from an empty bench database (deleting a million rows would leave them as dead
    tuples and take longer than loading them)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    url = ld.bench_environment()["DATABASE_URL"]
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ensure_loaded() -> dict | None:
    """Load unless the bench database already holds the generated rows."""
    if loaded_count() >= TICKETS:
        return None
    return load()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="drop the bench database and load afresh")
    args = parser.parse_args()
    if args.force:
        _drop_bench_database()
    ld.prepare()
    timings = ensure_loaded()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM citizens_citizen")
        citizens = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        tickets = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    payload = {
        "bench": "tickets_load",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": ld._git_commit(),
        "rows": {"citizens": citizens, "tickets": tickets},
        "database_size": size,
        "timings": timings or "already loaded (run with --force to load afresh)",
    }
    ld.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ld.RESULTS_DIR / "tickets_load.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    total = timings["total_s"] if timings else "—"
    print(f"  results: {path.relative_to(ld.BASE_DIR)}")
    print(f"tickets_load: {citizens} citizens, {tickets} tickets, {size}, load {total} s", flush=True)


if __name__ == "__main__":
    main()
