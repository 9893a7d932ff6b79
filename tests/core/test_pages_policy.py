"""Every staff list and detail page, and the portal, rendered in Arabic and English:
no date that reads two ways (``12/03/2026``, ``2026-12-03`` as text), and no English UI word
left on an Arabic page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from apps.committee import services as committee_services
from apps.core.management.commands.compiletranslations import catalogues
from apps.escalations import services as escalation_services
from apps.notifications.models import Notification
from apps.tickets import services as ticket_services
from tests.committee.factories import ReferralFactory
from tests.contacts.factories import ContactFactory
from tests.escalations.factories import citizen_case
from tests.tickets.factories import TicketFactory

BARE_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")


class _Text(HTMLParser):
    """The text a person reads: no scripts, no attribute values, no form values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea", "code", "kbd"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea", "code", "kbd") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def _ui_words() -> set[str]:
    """English messages of the catalogues whose Arabic differs: a UI word a page may show."""
    words = set()
    for path in catalogues():
        if path.parent.parent.name != "ar":
            continue
        for entry in polib.pofile(str(path)):
            text = entry.msgid
            if (
                entry.obsolete
                or "%" in text
                or "{" in text
                or not re.fullmatch(r"[A-Z][A-Za-z' ,.-]{3,60}", text)
            ):
                continue
            if entry.msgstr and entry.msgstr != text:
                words.add(text)
    return words


@pytest.fixture
def world(agent, senior, admin_user, department):
    ticket = TicketFactory(department=department)
    ticket_services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ContactFactory(agent=agent)
    case = citizen_case()
    escalation_services.escalation_note(escalation=case, body="ملاحظة", actor=senior)
    committee = committee_services.committee_upsert(
        code="housing", name_ar="لجنة الإسكان", name_en="Housing Committee"
    )
    referral = ReferralFactory(committee=committee, actor=admin_user)
    outbox = Notification.objects.order_by("pk").first()
    return {"ticket": ticket, "case": case, "referral": referral, "outbox": outbox}


def _staff_pages(world) -> list[str]:
    pages = [
        reverse("core:home"),
        reverse("tickets:list"),
        reverse("tickets:my_work"),
        reverse("tickets:detail", args=[world["ticket"].pk]),
        reverse("tickets:create"),
        reverse("contacts:console"),
        reverse("contacts:console") + f"?citizen={world['ticket'].citizen_id}",
        reverse("contacts:supervisor"),
        reverse("contacts:contact_list"),
        reverse("contacts:follow_ups"),
        reverse("escalations:queue"),
        reverse("escalations:detail", args=[world["case"].pk]),
        reverse("escalations:figures"),
        reverse("escalations:delegations"),
        reverse("escalations:access_log"),
        reverse("committee:pool"),
        reverse("committee:meetings"),
        reverse("committee:referral", args=[world["referral"].pk]),
        reverse("committee:figures"),
        reverse("sla:dashboard"),
        reverse("notifications:inbox"),
        reverse("notifications:outbox"),
        reverse("citizens:detail", args=[world["ticket"].citizen_id]),
        reverse("reports:statement"),
    ]
    if world["outbox"] is not None:
        pages.append(reverse("notifications:outbox_detail", args=[world["outbox"].pk]))
    return pages


PORTAL = ["portal:home", "portal:submit", "portal:track"]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_no_page_shows_a_date_that_reads_two_ways(client, admin_user, world, language):
    client.cookies["hc_language"] = language
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    found = {}
    for url in _staff_pages(world) + [reverse(name) for name in PORTAL]:
        response = client.get(url)
        assert response.status_code == 200, url
        bad = [t for t in _texts(response.content.decode()) if BARE_DATE.search(t)]
        if bad:
            found[url] = bad[:3]
    assert not found, f"ambiguous or bare dates: {found}"


def test_no_arabic_page_shows_an_english_ui_word(client, admin_user, world):
    admin_user.language = "ar"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    # The language switch names its language in that language (lang="en"), on purpose.
    words = _ui_words() - {"English"}
    found = {}
    for url in _staff_pages(world) + [reverse(name) for name in PORTAL]:
        with translation.override("ar"):
            response = client.get(url)
        english = [t for t in _texts(response.content.decode()) if t.rstrip(":") in words]
        if english:
            found[url] = english[:5]
    assert not found, f"English UI words on Arabic pages: {found}"


def test_the_date_check_catches_a_month_first_date():
    assert BARE_DATE.search("12/03/2026")
    assert BARE_DATE.search("2026-12-03")
    assert not BARE_DATE.search("3 ديسمبر 2026 13:51")
    assert not BARE_DATE.search("2026-004817-3")  # a review number is not a date
