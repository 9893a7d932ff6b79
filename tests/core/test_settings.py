"""Settings come from the environment; a missing or malformed one stops start-up by name."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from housing_contact import envconfig

ROOT = settings.BASE_DIR


def run_check(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT"}
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "housing_contact.settings.base"
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_stops_when_secret_key_is_missing_in_production():
    result = run_check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "key, says",
    [
        ("REQUIRED-change-me", "placeholder"),  # the .env.example value
        ("insecure-development-key-only", "placeholder"),
        ("short-but-not-a-placeholder-0123456789", "too short"),
    ],
)
def test_it_stops_with_debug_off_and_a_placeholder_or_short_secret_key(key, says):
    result = run_check({"DEBUG": "false", "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and says in result.stderr


def test_a_placeholder_secret_key_is_no_obstacle_in_development(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "REQUIRED-change-me")
    assert envconfig.get_secret_key(debug=True, development_default="dev") == "REQUIRED-change-me"
    monkeypatch.setenv("SECRET_KEY", "x" * 49)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        envconfig.get_secret_key(debug=False, development_default="dev")
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    assert envconfig.get_secret_key(debug=False, development_default="dev") == "x" * 50


def test_it_names_a_malformed_boolean():
    result = run_check({"DEBUG": "maybe", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr and "maybe" in result.stderr


def test_it_refuses_a_database_url_that_is_not_postgresql():
    result = run_check({"DEBUG": "true", "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_it_names_a_malformed_csrf_origin():
    result = run_check({"DEBUG": "true", "CSRF_TRUSTED_ORIGINS": "contact.example.bh"})
    assert result.returncode != 0
    assert "CSRF_TRUSTED_ORIGINS" in result.stderr


def test_deploy_check_passes_with_production_values():
    result = run_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
            "ALLOWED_HOSTS": "contact.housing.example.bh",
            "CSRF_TRUSTED_ORIGINS": "https://contact.housing.example.bh",
            "HOUSING_SMS_URL": "https://sms-gateway.example.bh/send",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_language_and_time_zone_defaults():
    assert settings.LANGUAGE_CODE == "ar"
    assert [code for code, _ in settings.LANGUAGES] == ["ar", "en"]
    assert settings.TIME_ZONE == "Asia/Bahrain"


def test_tests_do_not_run_celery_eagerly():
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


@pytest.mark.parametrize("value, expected", [("true", True), ("0", False), ("On", True), ("no", False)])
def test_booleans_accept_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("HOUSING_FLAG", value)
    assert envconfig.get_bool("HOUSING_FLAG", False) is expected


def test_a_required_setting_names_itself(monkeypatch):
    monkeypatch.delenv("HOUSING_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="HOUSING_REQUIRED"):
        envconfig.get_str("HOUSING_REQUIRED")


def test_a_redis_url_must_be_redis(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        envconfig.get_redis()
