"""Generate the large data set of the console and supervisor benchmarks with COPY:
1,000,000 citizens (a mobile each, two in three with a housing file) and 10,000,000
contacts spread over the five years up to now (about 166,000 a month, well above the real
~12,500), 80% linked to citizens — a few citizens call very often — plus the follow-ups of
the referred ones.

    python -m bench._contacts_generate [--citizens 1000000] [--contacts 10000000]

Idempotent: counts what is there and adds only what is missing. The contacts table's
indexes and constraints are dropped for the COPY and rebuilt after it (faster than keeping
them up to date row by row), then the tables are analysed.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from bench import _contacts_driver as driver

SUFFIX = "bench_large"
AGENTS = 40
CPR_BASE = 200_000_000


def cpr_of(k: int) -> str:
    return str(CPR_BASE + k)


def phone_of(k: int) -> str:
    return f"+97336{k:06d}"


def _agents() -> list[int]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from apps.accounts.models import User

    password = make_password("demo-pass-2026")
    wanted = [f"bench-agent-{i:02d}" for i in range(AGENTS)]
    have = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    created = User.objects.bulk_create([User(username=u, password=password) for u in wanted if u not in have])
    Group.objects.get(name="agent").user_set.add(*created)
    return list(User.objects.filter(username__in=wanted).values_list("id", flat=True))


def _citizens(cursor, count: int) -> int:
    cursor.execute("SELECT count(*) FROM citizens_citizen WHERE cpr >= %s", [cpr_of(0)])
    have = cursor.fetchone()[0]
    started = time.perf_counter()
    if have < count:
        _copy_citizens(cursor, have, count)
    cursor.execute("SELECT count(*) FROM citizens_housingfile WHERE application_number LIKE 'B-%'")
    if cursor.fetchone()[0] < count // 2:
        _phones_and_files(cursor)
        print(
            f"citizens: {count - have:,} with phones and files in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return max(have, count)


def _copy_citizens(cursor, have: int, count: int) -> None:
    # Made-up people need no change history, and the secondary indexes (the trigram index
    # of the names among them) are built faster once than row by row: without them, the
    # COPY takes minutes instead of the better part of an hour on a busy machine.
    _constraints, indexes = _table_definitions(cursor, "citizens_citizen")
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("ALTER TABLE citizens_citizen DISABLE TRIGGER USER")
    try:
        _copy_citizen_rows(cursor, have, count)
    finally:
        cursor.execute("ALTER TABLE citizens_citizen ENABLE TRIGGER USER")
        for _name, definition in indexes:
            cursor.execute(definition)


def _copy_citizen_rows(cursor, have: int, count: int) -> None:
    cursor.execute("SELECT coalesce(max(id), 0) FROM citizens_citizen")
    first_id = cursor.fetchone()[0] + 1
    rng = random.Random(11)
    areas = ["مدينة عيسى", "المحرق", "الرفاع", "مدينة حمد", "سترة", "مدينة سلمان"]
    now = datetime.now(UTC).isoformat()
    with cursor.copy(
        "COPY citizens_citizen (id, cpr, name_ar, name_en, email, language, block, road, building, flat, area,"
        " created_at, updated_at) FROM STDIN"
    ) as copy:
        lines = []
        for k in range(have, count):
            lines.append(
                f"{first_id + k - have}\t{cpr_of(k)}\tمواطن {k}\tCitizen {k}\t\tar\t\t\t\t\t{rng.choice(areas)}\t{now}\t{now}\n"
            )
            if len(lines) >= 20_000:
                copy.write("".join(lines))
                lines = []
        copy.write("".join(lines))
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('citizens_citizen', 'id'), (SELECT max(id) FROM citizens_citizen))"
    )


def _phones_and_files(cursor) -> None:
    tables = ("citizens_citizenphone", "citizens_housingfile")
    for table in tables:  # no change history of made-up rows (see _copy_citizens)
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        _insert_phones_and_files(cursor)
    finally:
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _insert_phones_and_files(cursor) -> None:
    cursor.execute(
        "INSERT INTO citizens_citizenphone (citizen_id, number, kind, is_primary, created_at, updated_at) "
        "SELECT id, '+97336' || lpad((cpr::int - %s)::text, 6, '0'), 'mobile', true, now(), now() "
        "FROM citizens_citizen WHERE cpr >= %s ON CONFLICT DO NOTHING",
        [CPR_BASE, cpr_of(0)],
    )
    cursor.execute(
        "INSERT INTO citizens_housingfile (citizen_id, application_number, service, project, application_date,"
        " status, created_at, updated_at) "
        "SELECT id, 'B-' || cpr, 'وحدة سكنية', '', date '2015-01-01' + (id %% 3000)::int, "
        "(ARRAY['submitted','under_review','eligible','allocated','delivered'])[1 + id %% 5], now(), now() "
        "FROM citizens_citizen WHERE cpr >= %s AND id %% 3 <> 0 ON CONFLICT DO NOTHING",
        [cpr_of(0)],
    )


def _table_definitions(cursor, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('c', 'f', 'u')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    return constraints, cursor.fetchall()


def _contacts(cursor, count: int, *, citizens: int, agents: list[int]) -> int:
    cursor.execute("SELECT count(*) FROM contacts_contact WHERE call_id LIKE 'G%'")
    have = cursor.fetchone()[0]
    if have >= count:
        return have
    cursor.execute("SELECT code, id FROM contacts_purpose")
    purposes = dict(cursor.fetchall())
    cursor.execute("SELECT id FROM accounts_department WHERE code = 'housing-services'")
    department = cursor.fetchone()[0]
    weighted = (
        [purposes["new_application"]] * 60 + [purposes["request_delay"]] * 22 + [purposes["request_status"]] * 6
        + [purposes["eligibility"]] * 4 + [purposes["data_update"]] * 5 + [purposes["mazaya_appointment"]] * 2
        + [purposes["complaint"]]
    )  # fmt: skip
    cursor.execute("SELECT id FROM citizens_citizen WHERE cpr = %s", [cpr_of(0)])
    first_citizen = cursor.fetchone()[0]  # ids were given in order of k by the COPY above
    constraints, indexes = _table_definitions(cursor, "contacts_contact")
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE contacts_contact DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    started = time.perf_counter()
    rng = random.Random(12)
    end = datetime.now(UTC) - timedelta(minutes=5)
    span = timedelta(days=5 * 365).total_seconds()
    start = end - timedelta(seconds=span)
    channels = ["inbound_call"] * 86 + ["outbound_call"] * 9 + ["chat"] * 5
    notes = [
        "استفسر عن طريقة تقديم طلب جديد.",
        "يسأل عن موعد التخصيص.",
        "Asked about the status.",
        "",
        "",
        "",
        "",
    ]
    columns = (
        "channel, citizen_id, caller_number, agent_id, purpose_id, outcome, offered_at, answered_at, ended_at,"
        " notes, call_id, department_id, ticket_id, recorded_via, telephony_received_at, created_by_id,"
        " created_at, updated_at"
    )
    with cursor.copy(f"COPY contacts_contact ({columns}) FROM STDIN") as copy:
        lines = []
        step = span / count
        for i in range(have, count):
            offered = start + timedelta(seconds=i * step + rng.random() * step)
            k = int(citizens * rng.random() ** 3) if rng.random() < 0.8 else None
            number = phone_of(k) if k is not None else f"+97339{rng.randrange(1_000_000):06d}"
            citizen = str(first_citizen + k) if k is not None else "\\N"
            roll = rng.random()
            if roll < 0.03:
                outcome, answered, ended = (
                    "abandoned",
                    None,
                    offered + timedelta(seconds=rng.randrange(10, 200)),
                )
                agent, purpose, dept = "\\N", "\\N", "\\N"
            else:
                answered = offered + timedelta(seconds=rng.randrange(3, 180))
                ended = answered + timedelta(seconds=rng.randrange(40, 900))
                agent, purpose = str(rng.choice(agents)), str(rng.choice(weighted))
                if roll > 0.979:
                    outcome, dept = "referred", str(department)
                else:
                    outcome, dept = "resolved_first_contact", "\\N"
            o = offered.isoformat()
            lines.append(
                f"{rng.choice(channels)}\t{citizen}\t{number}\t{agent}\t{purpose}\t{outcome}\t{o}\t"
                f"{answered.isoformat() if answered else chr(92) + 'N'}\t{ended.isoformat()}\t{rng.choice(notes)}\t"
                f"G{i:09d}\t{dept}\t\\N\tapi\t{ended.isoformat()}\t\\N\t{o}\t{o}\n"
            )
            if len(lines) >= 50_000:
                copy.write("".join(lines))
                lines = []
                if i % 1_000_000 < 50_000:
                    print(f"  … {i:,} contacts ({time.perf_counter() - started:.0f} s)", flush=True)
        copy.write("".join(lines))
    copied = time.perf_counter() - started
    print(f"contacts: {count - have:,} copied in {copied:.0f} s; rebuilding indexes", flush=True)
    cursor.execute("SET maintenance_work_mem = '1GB'")
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE contacts_contact ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(
        "INSERT INTO contacts_followup (contact_id, citizen_id, department_id, status, due_at, answer, answered_at,"
        " answered_by_id, created_at, updated_at) "
        "SELECT id, citizen_id, department_id, CASE WHEN id % 4 = 0 THEN 'open' ELSE 'closed' END,"
        " answered_at + interval '7 days', CASE WHEN id % 4 = 0 THEN '' ELSE 'Answered.' END,"
        " CASE WHEN id % 4 = 0 THEN NULL ELSE answered_at + interval '3 days' END, NULL, answered_at, answered_at "
        "FROM contacts_contact WHERE outcome = 'referred' AND call_id LIKE 'G%' ON CONFLICT DO NOTHING"
    )
    cursor.execute(
        "ANALYZE contacts_contact; ANALYZE contacts_followup; ANALYZE citizens_citizen; ANALYZE citizens_citizenphone"
    )
    print(
        f"contacts: indexes, constraints and follow-ups in {time.perf_counter() - started - copied:.0f} s",
        flush=True,
    )
    return count


def generate(citizens: int, contacts: int) -> dict:
    driver.prepare(SUFFIX)
    from django.db import connection

    agents = _agents()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        have_citizens = _citizens(cursor, citizens)
        have_contacts = _contacts(cursor, contacts, citizens=have_citizens, agents=agents)
    return {
        "citizens": have_citizens,
        "contacts": have_contacts,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    args = parser.parse_args()
    result = generate(args.citizens, args.contacts)
    driver.write(
        "contacts_generate",
        result,
        f"{result['citizens']:,} citizens, {result['contacts']:,} contacts in {result['seconds']} s",
    )


if __name__ == "__main__":
    main()
