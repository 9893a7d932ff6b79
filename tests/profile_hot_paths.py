"""Where the time of one request goes, on the four hot paths of issue 20.

Not a test (its name does not start with ``test_``, so the suite skips it): a module run by
hand, which prints for each path the SQL statements one request runs and a pyinstrument
profile of N requests through the whole middleware stack::

    DATABASE_URL=… REDIS_URL=… .venv/bin/python -m pytest tests/profile_hot_paths.py \
        -s -q [-k create]

It runs with ``transaction=True``: no test transaction around the request, so the
statements counted are exactly those the request runs in production (an outermost
``atomic`` opens with BEGIN and ends with COMMIT, which Django does not capture).
"""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench._hot_paths import profile_category

pytestmark = pytest.mark.django_db(transaction=True)
REPEAT = int(os.environ.get("HC_PROFILE_REPEAT", "50"))


def _show(name, client_call):
    from pyinstrument import Profiler

    client_call()  # warm: caches, prepared templates, permissions
    client_call()
    with CaptureQueriesContext(connection) as queries:
        response = client_call()
    print(f"\n===== {name}: status {response.status_code}, {len(queries)} statements")
    for i, q in enumerate(queries.captured_queries, 1):
        print(f"  {i:2d}. [{q['time']}] {q['sql'][:230]}")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(REPEAT):
        client_call()
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False, timeline=False)[:6000])
    _breakdown(profiler.last_session)
    if os.environ.get("HC_PROFILE_SAVE"):  # a directory: keep the session for pyinstrument --load
        os.makedirs(os.environ["HC_PROFILE_SAVE"], exist_ok=True)
        profiler.last_session.save(
            os.path.join(os.environ["HC_PROFILE_SAVE"], name.split(" (")[0] + ".pyisession")
        )
    return response


def _breakdown(session) -> None:
    totals: dict[str, float] = {}
    for stack, seconds in session.frame_records:
        name = profile_category(stack)
        totals[name] = totals.get(name, 0.0) + seconds
    whole = sum(totals.values()) or 1.0
    print(
        f"----- breakdown per request ({REPEAT} requests, {whole / REPEAT * 1000:.1f} ms each under the profiler)"
    )
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {name:<52} {seconds / REPEAT * 1000:7.2f} ms  {seconds / whole:5.1%}")


@pytest.fixture
def data(agent, supervisor, department):
    from rest_framework.authtoken.models import Token

    from apps.citizens import services as citizen_services
    from apps.sla import seed
    from apps.tickets import services
    from bench._hot_paths import add_call_history

    seed.seed_policies()  # the default deadlines, as after ``seed``: tickets get their clocks
    category = services.category_upsert(
        code="status-delay", name_ar="تأخر الطلب", name_en="Delay", default_department=department
    )
    citizen = citizen_services.citizen_create(
        cpr="880412345", name_ar="أحمد علي", name_en="Ahmed Ali", phones=["3600 1234"], actor=agent
    )
    tickets = [
        services.ticket_create(
            kind="complaint",
            channel="phone",
            subject=f"تأخر الطلب {i}",
            description="لم أتلق ردا",
            actor=agent,
            citizen=citizen,
            category=category,
        )
        for i in range(30)
    ]
    add_call_history(citizen, agent, prefix="P")
    token, _ = Token.objects.get_or_create(user=agent)
    return {"token": token.key, "citizen": citizen, "category": category, "ticket": tickets[0]}


def test_profile_create(data, client):
    body = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "تأخر الطلب الإسكاني",
        "description": "تقدمت بطلب منذ سنوات",
        "citizen": data["citizen"].pk,
        "category": data["category"].pk,
    }
    response = _show(
        "create (POST /api/v1/tickets/, token)",
        lambda: client.post(
            "/api/v1/tickets/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {data['token']}",
        ),
    )
    assert response.status_code == 201


def test_profile_track_api(data, client):
    number = data["ticket"].review_number
    response = _show(
        "track (POST /api/v1/public/track/)",
        lambda: client.post(
            "/api/v1/public/track/",
            {"review_number": number, "phone_last4": "1234"},
            content_type="application/json",
        ),
    )
    assert response.status_code == 200


def test_profile_track_portal(data, client):
    number = data["ticket"].review_number
    response = _show(
        "track (POST /portal/track/ portal page)",
        lambda: client.post("/portal/track/", {"review_number": number, "phone_last4": "1234"}),
    )
    assert response.status_code == 200


def test_profile_staff_list(data, login, supervisor):
    client = login(supervisor)
    response = _show("staff list (GET /tickets/)", lambda: client.get("/tickets/"))
    assert response.status_code == 200


def test_profile_console_phone(data, login, agent):
    client = login(agent)
    response = _show(
        "console by phone (GET /console/?phone=36001234)", lambda: client.get("/console/?phone=36001234")
    )
    assert response.status_code == 200


def test_profile_console_cpr(data, login, agent):
    client = login(agent)
    cpr = data["citizen"].cpr
    response = _show("console by CPR (GET /console/?q=cpr)", lambda: client.get(f"/console/?q={cpr}"))
    assert response.status_code == 200
