"""Reports read from the replica named by DATABASE_REPLICA_URL; everything else stays on the
primary. The replica here is a second connection to the test database, in a process started
with the variable set (the settings read it at start-up)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from apps.citizens.models import Citizen
from apps.reports.routers import ReportsReplicaRouter, for_reports, reports_alias

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import json, django
django.setup()
from django.db import connections
from apps.citizens.models import Citizen
from apps.reports.routers import for_reports, reports_alias, reports_cursor
for alias in ("default", "replica"):
    connections[alias].force_debug_cursor = True
list(Citizen.objects.all()[:1])
before = {a: len(connections[a].queries) for a in ("default", "replica")}
with for_reports():
    list(Citizen.objects.all()[:1])
    Citizen.objects.count()
    with reports_cursor() as cursor:
        cursor.execute("SELECT 1")
    inside_alias = reports_alias()
after = {a: len(connections[a].queries) - before[a] for a in ("default", "replica")}
print(json.dumps({"before": before, "inside": after, "alias": inside_alias, "after_block": reports_alias()}))
"""


def test_without_a_replica_reports_read_from_the_primary():
    with for_reports():
        assert reports_alias() == "default"
        assert ReportsReplicaRouter().db_for_read(Citizen) is None
    assert ReportsReplicaRouter().db_for_write(Citizen) == "default"
    assert ReportsReplicaRouter().allow_migrate("replica", "citizens") is False


@pytest.mark.django_db
def test_with_a_replica_only_reads_inside_a_report_go_there():
    url = urlunsplit(
        urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="housing_contact.settings.test",
        DATABASE_URL=url,
        DATABASE_REPLICA_URL=url,
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["before"]["default"] >= 1 and seen["before"]["replica"] == 0
    assert seen["inside"]["default"] == 0 and seen["inside"]["replica"] >= 3
    assert (seen["alias"], seen["after_block"]) == ("replica", "default")
