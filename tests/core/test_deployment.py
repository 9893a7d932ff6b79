"""The deployment files: docker-compose.yml, the Dockerfile, .env.example, health checks.

There is no Docker engine where the tests run, so the compose file is checked as data
(and by `docker compose config` / `docker-compose config` when either is installed: CI
installs Debian's docker-compose), and the health-check commands are run for real against
a local server and a schedule file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = {"web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.M))


def _names_read_by_the_code() -> set[str]:
    names: set[str] = set()
    sources = [*ROOT.glob("housing_contact/**/*.py"), *ROOT.glob("apps/**/*.py")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r"envconfig\.get_\w+\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    for path in [ROOT / "gunicorn.conf.py", ROOT / "housing_contact" / "healthcheck.py"]:
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    return names


def test_compose_has_the_five_services_and_a_one_shot_migration(compose):
    assert set(compose["services"]) == {"postgres", "redis", "migrate", "web", "chat", "worker", "beat"}
    assert compose["services"]["migrate"]["command"][-2:] == ["migrate", "--noinput"]


def test_every_long_running_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        if name == "migrate":
            continue
        check = service.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"


def test_the_health_checks_are_the_right_ones(compose):
    services = compose["services"]
    assert services["web"]["healthcheck"]["test"][-2:] == ["housing_contact.healthcheck", "web"]
    assert services["chat"]["healthcheck"]["test"][-2:] == ["housing_contact.healthcheck", "chat"]
    assert "inspect ping" in services["worker"]["healthcheck"]["test"][-1]
    assert services["beat"]["healthcheck"]["test"][-2:] == ["housing_contact.healthcheck", "beat"]
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][-1]
    assert services["redis"]["healthcheck"]["test"][-1] == "ping"


def test_postgres_and_redis_keep_their_data_in_named_volumes(compose):
    volumes = set(compose["volumes"])
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "redis-data:/data" in compose["services"]["redis"]["volumes"]
    assert {"postgres-data", "redis-data"} <= volumes


def test_app_services_wait_for_healthy_backing_services_and_the_migration(compose):
    for name in APP_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_app_services_run_the_one_image_with_settings_from_dot_env(compose):
    for name in APP_SERVICES | {"migrate"}:
        service = compose["services"][name]
        assert service["image"] == "housing-contact:latest"
        assert service["env_file"] == ".env"
    assert compose["services"]["web"]["command"][0] == "gunicorn"
    assert compose["services"]["worker"]["command"][3] == "worker"
    assert compose["services"]["beat"]["command"][3] == "beat"


def test_env_example_lists_every_setting_the_code_reads():
    missing = _names_read_by_the_code() - _env_example_names()
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def test_the_compose_file_uses_only_variables_env_example_defines():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    assert used and used <= _env_example_names()


def test_the_dockerfile_builds_translations_and_static_files_and_runs_as_non_root():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert "manage.py compiletranslations" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r'^CMD \["gunicorn"', dockerfile, flags=re.M)


def test_docker_compose_config_accepts_the_file(tmp_path):
    """Run the real `config` validation of whichever compose CLI is installed."""
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        command = ["docker", "compose", "config", "--quiet"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose", "config", "--quiet"]
    else:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed (CI installs docker-compose)")
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _healthcheck(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "housing_contact.healthcheck", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_beat_healthcheck_passes_for_a_fresh_schedule_and_fails_for_a_stale_one(tmp_path):
    schedule = tmp_path / "schedule"
    (tmp_path / "schedule.db").write_bytes(b"")
    env = {"BEAT_SCHEDULE_FILE": str(schedule), "BEAT_HEALTH_MAX_AGE": "600"}
    assert _healthcheck("beat", env=env).returncode == 0
    an_hour_ago = time.time() - 3600
    os.utime(tmp_path / "schedule.db", (an_hour_ago, an_hour_ago))
    stale = _healthcheck("beat", env=env)
    assert stale.returncode == 1
    assert "last saved" in stale.stderr


def test_the_beat_healthcheck_fails_without_a_schedule(tmp_path):
    result = _healthcheck("beat", env={"BEAT_SCHEDULE_FILE": str(tmp_path / "none")})
    assert result.returncode == 1


def test_the_web_healthcheck_asks_healthz_with_an_allowed_host(live_server):
    port = live_server.url.rsplit(":", 1)[1]
    healthy = _healthcheck("web", env={"GUNICORN_BIND": f"0.0.0.0:{port}", "ALLOWED_HOSTS": ".localhost"})
    assert healthy.returncode == 0, healthy.stderr


def test_the_web_healthcheck_fails_when_nothing_listens():
    result = _healthcheck("web", env={"GUNICORN_BIND": "0.0.0.0:1"})
    assert result.returncode == 1
    assert "unreachable" in result.stderr


def test_the_wsgi_application_loads_its_views_and_freezes_them_out_of_garbage_collection():
    """``housing_contact.wsgi`` (what gunicorn loads): every view imported, what was loaded
    frozen out of the collector's walks, a first generation of 5,000, each language's URL
    reverse look-up and catalogues built (a forked worker shares them), and the outboxes'
    hand-over relay wanted (apps/core/handover.py)."""
    probe = (
        "import gc, sys; import housing_contact.wsgi as w; from apps.core import handover; "
        "from django.urls import get_resolver; from django.utils.translation import trans_real; "
        "print(gc.get_freeze_count() > 100000, gc.get_threshold()[0], 'apps.tickets.views' in sys.modules, "
        "sorted(get_resolver()._reverse_dict) == ['ar', 'en'], {'ar', 'en'} <= set(trans_real._translations), "
        "handover._relay.wanted, handover._relay.running)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "housing_contact.settings.base"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    # The relay is wanted, its thread not started: a preloading master forks with none.
    assert result.stdout.split() == ["True", "5000", "True", "True", "True", "True", "False"]
