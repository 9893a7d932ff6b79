"""The Celery workers the tests start use the suite's own database, socket or TCP.

``make test`` on a fresh machine runs on the embedded PostgreSQL, which listens on a unix
socket; rebuilding its address as 127.0.0.1:5432 sent the workers to another server, or to
none (finding 6 of issue 12).
"""

from django.db import connection

from housing_contact import envconfig
from tests.notifications.conftest import worker_database_url


def _parsed(url: str) -> dict:
    return envconfig.env.db_url_config(url)


def test_a_socket_database_is_reached_through_its_socket():
    params = {
        "NAME": "test_housing_contact",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "OPTIONS": {"host": "/srv/project/var/postgres", "connect_timeout": 5},
    }
    config = _parsed(worker_database_url(params))
    assert config["NAME"] == "test_housing_contact"
    assert config["USER"] == "postgres"
    assert not config["HOST"]
    assert config["OPTIONS"]["host"] == "/srv/project/var/postgres"


def test_a_tcp_database_is_reached_at_its_address_and_port():
    params = {
        "NAME": "test_hc",
        "USER": "app",
        "PASSWORD": "p@ss/word:1",
        "HOST": "db.internal",
        "PORT": 6543,
    }
    config = _parsed(worker_database_url(params))
    assert (config["HOST"], config["PORT"], config["PASSWORD"]) == ("db.internal", 6543, "p@ss/word:1")


def test_the_url_names_the_database_and_server_this_run_uses(db):
    ours = connection.settings_dict
    config = _parsed(worker_database_url())
    assert config["NAME"] == ours["NAME"]
    where = (config["HOST"] or config.get("OPTIONS", {}).get("host"), str(config["PORT"] or ""))
    assert where == (ours["HOST"] or ours["OPTIONS"].get("host"), str(ours["PORT"] or ""))
