"""The secretary's screens, the members' read-only access, and who sees nothing."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.citizens.models import Citizen
from apps.committee import services
from apps.committee.models import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingStatus,
    Outcome,
    Referral,
    ReferralDocument,
)
from apps.core.navigation import entries_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def referral(make_referral):
    return make_referral(subject="حالة سرية للاختبار")


@pytest.fixture
def document(referral, secretary):
    return services.referral_document_add(
        referral=referral,
        uploaded_file=SimpleUploadedFile("تقرير.pdf", PDF, "application/pdf"),
        actor=secretary,
    )


def _pages(meeting, referral, document):
    return [
        reverse("committee:pool"),
        reverse("committee:referral", args=[referral.pk]),
        reverse("committee:document", args=[document.pk]),
        reverse("committee:meetings"),
        reverse("committee:meeting", args=[meeting.pk]),
        reverse("committee:agenda", args=[meeting.pk]),
        reverse("committee:minutes", args=[meeting.pk]),
        reverse("committee:minutes_pdf", args=[meeting.pk]),
        reverse("committee:figures"),
    ]


@pytest.mark.parametrize("persona", ["outsider", "agent", "officer", "senior"])
def test_people_without_a_committee_role_get_403_and_see_nothing(
    request, login, meeting, referral, document, persona
):
    client = login(request.getfixturevalue(persona))
    for url in _pages(meeting, referral, document):
        response = client.get(url)
        assert response.status_code == 403, url
        body = response.content
        assert "حالة سرية للاختبار".encode() not in body and referral.citizen.name_ar.encode() not in body
        assert PDF not in body


def test_anonymous_visitors_are_sent_to_the_login_page(client, meeting):
    response = client.get(reverse("committee:meeting", args=[meeting.pk]))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_a_member_sees_the_pool_and_the_documents(login, member, referral, document):
    client = login(member)
    assert "حالة سرية للاختبار" in client.get(reverse("committee:pool")).content.decode()
    response = client.get(reverse("committee:document", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_member_cannot_build_an_agenda(login, member, meeting, referral):
    response = login(member).post(reverse("committee:agenda", args=[meeting.pk]), {"referral": [referral.pk]})
    assert response.status_code == 403
    assert not AgendaItem.objects.exists()


def test_a_member_cannot_record_a_decision(login, member, quorate, referral, secretary):
    services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
    response = login(member).post(
        reverse("committee:decision", args=[quorate.pk, referral.pk]), {f"r{referral.pk}-outcome": "approved"}
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_documents_live_outside_the_web_root_under_random_names(document):
    path = document.file.path
    assert path.startswith(str(settings.HOUSING_PRIVATE_FILES_ROOT))
    assert not path.startswith(str(settings.STATIC_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
    assert "تقرير" not in path and document.original_name == "تقرير.pdf"


def test_the_secretary_enters_a_referral_for_a_new_citizen_with_a_document(login, secretary, committee):
    response = login(secretary).post(
        reverse("committee:referral_new"),
        {
            "cpr": "٩٠٠١٠١٢٣٤",
            "citizen_name_ar": "فاطمة يوسف",
            "citizen_phone": "3600 9999",
            "subject": "طلب استثناء",
            "housing_application_number": "201912345",
            "summary": "ظروف صحية",
            "documents": [SimpleUploadedFile("a.pdf", PDF, "application/pdf")],
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "committee:referral", args=[referral.pk]
    )
    assert referral.citizen.cpr == "900101234" and referral.documents.count() == 1


def test_a_disguised_document_refuses_the_whole_referral(login, secretary, committee):
    response = login(secretary).post(
        reverse("committee:referral_new"),
        {
            "cpr": "900101235",
            "citizen_name_ar": "فاطمة يوسف",
            "subject": "طلب",
            "summary": "ملخص",
            "documents": [
                SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an executable", "application/pdf")
            ],
        },
    )
    assert response.status_code == 400
    assert "لا تُقبل إلا مستندات PDF" in response.content.decode()
    assert not Referral.objects.exists() and not Citizen.objects.filter(cpr="900101235").exists()
    assert not ReferralDocument.objects.exists()


def test_the_pool_pages_with_a_cursor_and_no_count(login, secretary, make_referral):
    for _ in range(55):
        make_referral()
    client = login(secretary)
    first = client.get(reverse("committee:pool"))
    cursor = first.context["page"].next_cursor
    assert len(first.context["page"].rows) == 50 and cursor
    more = client.get(reverse("committee:pool"), {"cursor": cursor}, HTTP_HX_REQUEST="true")
    assert more.status_code == 200 and more.content.decode().count("data-reference=") == 5
    seen = {r.pk for r in first.context["page"].rows} | {r.pk for r in more.context["page"].rows}
    assert len(seen) == 55


def test_a_broken_cursor_is_a_clear_400(login, secretary, committee):
    response = login(secretary).get(reverse("committee:pool"), {"cursor": "not-a-cursor"})
    assert response.status_code == 400


def test_a_reused_meeting_number_on_the_form_is_refused_in_arabic(login, secretary, meeting):
    response = login(secretary).post(
        reverse("committee:meetings"), {"number": "١", "date": "2026-10-01", "place": "قاعة"}
    )
    assert response.status_code == 409
    assert "الاجتماع رقم 1 لعام 2026 موجود مسبقاً" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_the_secretary_plans_a_meeting_and_lands_on_its_agenda(login, secretary, committee):
    response = login(secretary).post(
        reverse("committee:meetings"),
        {"number": "7", "date": "2026-10-01", "starts_at": "10:00", "place": "قاعة"},
    )
    meeting = Meeting.objects.get(number=7)
    assert response.status_code == 302 and response["Location"] == reverse(
        "committee:agenda", args=[meeting.pk]
    )


def test_a_decision_through_htmx_returns_its_row(login, secretary, quorate, referral):
    services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
    response = login(secretary).post(
        reverse("committee:decision", args=[quorate.pk, referral.pk]),
        {f"r{referral.pk}-outcome": "deferred", f"r{referral.pk}-needs": "تقرير طبي"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "التأجيل لمزيد من الدراسة. المطلوب: تقرير طبي" in response.content.decode()
    assert Decision.objects.get().outcome == Outcome.DEFERRED


def test_a_decision_without_quorum_answers_with_the_error_in_the_row(login, secretary, meeting, referral):
    services.agenda_add(meeting=meeting, referrals=[referral], actor=secretary)
    response = login(secretary).post(
        reverse("committee:decision", args=[meeting.pk, referral.pk]),
        {f"r{referral.pk}-outcome": "approved"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert 'data-error-code="quorum_not_recorded"' in response.content.decode()
    assert f'id="item-{referral.pk}"' in response.content.decode()
    assert not Decision.objects.exists()


def test_the_whole_meeting_from_attendance_to_signed_minutes(
    login, secretary, chair, member, members, meeting, referral
):
    client = login(secretary)
    client.post(reverse("committee:agenda", args=[meeting.pk]), {"referral": [referral.pk]})
    client.post(
        reverse("committee:attendance", args=[meeting.pk]), {"present": [chair.pk, member.pk, members[0].pk]}
    )
    client.post(
        reverse("committee:decision", args=[meeting.pk, referral.pk]), {f"r{referral.pk}-outcome": "approved"}
    )
    assert client.post(reverse("committee:meeting_close", args=[meeting.pk])).status_code == 302
    chair_client = login(chair)
    assert chair_client.post(reverse("committee:meeting_sign", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SIGNED
    page = chair_client.get(reverse("committee:minutes", args=[meeting.pk])).content.decode()
    assert "نهائي: وقّعه الرئيس" in page and "الموافقة." in page
    pdf = chair_client.get(reverse("committee:minutes_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == meeting.minutes_file.open("rb").read()


def test_the_english_minutes_pdf_on_request(login, member, meeting):
    response = login(member).get(reverse("committee:minutes_pdf", args=[meeting.pk]), {"lang": "en"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_amend_page_records_an_amendment(login, secretary, chair, quorate, referral, decide):
    services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
    decision = decide(quorate, referral, Outcome.APPROVED)
    services.meeting_close(meeting=quorate, actor=secretary)
    services.meeting_sign(meeting=quorate, actor=chair)
    response = login(secretary).post(
        reverse("committee:decision_amend", args=[decision.pk]),
        {"outcome": "deferred", "needs": "تقرير", "reason": "خطأ في التسجيل"},
    )
    assert response.status_code == 302
    assert Decision.objects.get(amends=decision).amendment_reason == "خطأ في التسجيل"


def test_the_figures_page_shows_the_month(login, member, committee):
    response = login(member).get(reverse("committee:figures"), {"month": "2026-07"})
    assert response.status_code == 200 and response.context["figures"].month == 7


def test_nav_entries_show_to_committee_people_only(secretary, member, agent):
    keys = lambda user: {e["key"] for e in entries_for(type(user).objects.get(pk=user.pk))}  # noqa: E731
    assert {"committee:pool", "committee:meetings"} <= keys(secretary)
    assert {"committee:pool", "committee:meetings"} <= keys(member)
    assert not {"committee:pool", "committee:meetings"} & keys(agent)


def test_the_api_lists_the_pool_for_a_member(login, member, referral):
    response = login(member).get("/api/v1/committee/referrals/")
    assert response.status_code == 200
    assert [r["reference"] for r in response.json()["results"]] == [referral.reference]
    assert response.json()["results"][0]["citizen_cpr_masked"].startswith("*****")


def test_the_api_refuses_an_outsider_with_a_json_error(login, outsider, referral):
    response = login(outsider).get("/api/v1/committee/referrals/")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert referral.reference not in response.content.decode()


def test_the_api_creates_a_referral_for_the_secretary(login, secretary, citizen, committee):
    response = login(secretary).post(
        "/api/v1/committee/referrals/",
        {"cpr": citizen.cpr, "subject": "طلب", "summary": "ملخص"},
        content_type="application/json",
    )
    assert response.status_code == 201 and Referral.objects.get().citizen == citizen


def test_the_api_figures_need_a_month(login, member, committee):
    bad = login(member).get("/api/v1/committee/figures/", {"month": "July"})
    good = login(member).get("/api/v1/committee/figures/", {"month": "2026-07"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_month"
    assert good.status_code == 200 and good.json()["referred"] == 0


def test_the_meeting_date_is_today_by_default_on_the_form(login, secretary, committee):
    response = login(secretary).get(reverse("committee:meetings"))
    assert response.context["form"].initial["number"] == 1
    assert isinstance(response.context["form"].initial["date"], datetime.date)


def test_the_meeting_page_query_count_does_not_grow_with_the_agenda(
    login, secretary, meeting, make_referral, reason
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(secretary)
    url = reverse("committee:meeting", args=[meeting.pk])
    services.agenda_add(meeting=meeting, referrals=[make_referral()], actor=secretary)
    client.get(url)  # caches filled (permissions, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    services.agenda_add(meeting=meeting, referrals=[make_referral() for _ in range(5)], actor=secretary)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) == len(few)
    assert html.count(f'<option value="{reason.pk}"') == 6  # every row still offers the reason
