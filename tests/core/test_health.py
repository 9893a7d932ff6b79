import json
import os
import subprocess
import sys

from django.conf import settings


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_with_database_redis_and_migrations(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def _readyz_in_a_process_with(env_overrides: dict) -> tuple[int, dict]:
    """Ask /readyz in a separate process whose settings point somewhere else."""
    code = (
        "import json, django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz');"
        "print(json.dumps({'status': r.status_code, 'body': json.loads(r.content)}))"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="housing_contact.settings.test", **env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return payload["status"], payload["body"]


def test_readyz_answers_503_with_the_reason_when_the_database_is_unreachable():
    status, body = _readyz_in_a_process_with({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"})
    assert status == 503
    assert body["status"] == "unavailable"
    assert "database unreachable" in body["problems"]["database"]
    assert "Traceback" not in json.dumps(body)


def test_readyz_answers_503_when_redis_is_unreachable():
    status, body = _readyz_in_a_process_with({"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert status == 503
    assert "redis unreachable" in body["problems"]["redis"]


def test_readyz_answers_503_when_migrations_are_not_applied(django_db_blocker):
    """A fresh, empty database is reachable but not migrated."""
    import psycopg

    name = f"hc_readyz_unmigrated_{os.getpid()}"
    db = settings.DATABASES["default"]
    conninfo = dict(dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None)
    if db["HOST"]:
        conninfo.update(host=db["HOST"], port=db["PORT"] or 5432)
    elif db["OPTIONS"].get("host"):
        conninfo.update(host=db["OPTIONS"]["host"])
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
        if "?" in os.environ["DATABASE_URL"]:
            base, query = os.environ["DATABASE_URL"].split("?", 1)
            url = base.rsplit("/", 1)[0] + "/" + name + "?" + query
        status, body = _readyz_in_a_process_with({"DATABASE_URL": url})
        assert status == 503
        assert "not applied" in body["problems"]["migrations"]
    finally:
        with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_readyz_loads_the_migration_graph_only_until_it_has_seen_it_applied(db, monkeypatch):
    from apps.core import health

    monkeypatch.setattr(health, "_MIGRATED", set())
    assert health.check_migrations() is None

    def must_not_load(*args, **kwargs):
        raise AssertionError("the migration graph was loaded again")

    monkeypatch.setattr(health, "MigrationExecutor", must_not_load)
    assert health.check_migrations() is None
