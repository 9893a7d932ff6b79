import datetime as dt
import html as html_lib
import re

from django.urls import reverse

from apps.reports.statement import monthly_statement

URL = "/reports/monthly/"


def test_a_supervisor_sees_the_groups_previous_change_and_drill_down_links(client, supervisor, fixture_month):
    client.force_login(supervisor)
    response = client.get(URL, {"month": "2026-07"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-group="contact_centre"' in html and 'data-group="tickets"' in html
    link = reverse("contacts:contact_list") + "?start=2026-07-01&amp;end=2026-07-31&amp;channel=inbound_call"
    assert f'href="{link}" data-drill="calls.inbound"' in html
    assert "▲" in html and "160.00%" in html
    assert 'data-chart="calls"' in html and 'data-chart="shares"' in html and 'data-chart="chat"' in html


def test_uyc_records_open_only_for_those_who_may_read_the_cases(client, supervisor, senior, fixture_month):
    client.force_login(supervisor)
    html = client.get(URL, {"month": "2026-07"}).content.decode()
    assert 'data-drill="uyc.received"' not in html
    assert 'data-code="uyc.received"' in html  # the count is still there
    client.force_login(senior)
    html = client.get(URL, {"month": "2026-07"}).content.decode()
    assert f'href="{reverse("escalations:queue")}" data-drill="uyc.received"' in html


def test_a_future_month_is_explained_on_the_page(client, supervisor, fixture_month):
    client.force_login(supervisor)
    response = client.get(URL, {"month": "2099-01"})
    assert response.status_code == 400
    assert 'data-testid="month-error"' in response.content.decode()


def test_an_agent_is_refused_and_sees_no_figure(client, agent, fixture_month):
    client.force_login(agent)
    response = client.get(URL, {"month": "2026-07"})
    assert response.status_code == 403
    assert "calls.inbound" not in response.content.decode()


def test_the_page_is_in_the_management_menu(client, supervisor, db):
    client.force_login(supervisor)
    html = client.get(reverse("core:home")).content.decode()
    assert URL in html


def test_the_booked_appointments_link_lists_exactly_the_appointments_the_figure_counts(
    client, supervisor, fixture_month
):
    client.force_login(supervisor)
    page = client.get(URL, {"month": "2026-07"}).content.decode()
    figures = monthly_statement(dt.date(2026, 7, 1)).by_code()
    checked = 0
    for href, code in re.findall(r'href="([^"]+)" data-drill="(appointments\.booked\.[^"]+)"', page):
        listing = client.get(html_lib.unescape(href))
        assert listing.status_code == 200
        rows = listing.content.decode().count('data-testid="appointment-row"')
        assert rows == figures[code].value, code
        checked += 1
    assert checked
