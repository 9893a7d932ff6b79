from django.urls import reverse

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
