"""Targets from CSV or XLSX: encodings, columns, rejects by line and reason, merging."""

import io

import pytest
from openpyxl import Workbook

from apps.campaigns import imports
from apps.campaigns.models import Target, WrongNumber
from apps.core.errors import Conflict, ValidationFailed

HEADER = "cpr,name,phone,phone2,project\n"
ROWS = "880412345,أحمد علي,3600 1234,,مشروع شرق الحد\n880-412-346,فاطمة حسن,+973 3900 5678,17001234,\n"


def _import(campaign, data: bytes, supervisor, **extra):
    return imports.targets_import_file(campaign=campaign, data=data, actor=supervisor, **extra).as_dict()


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + ROWS).encode("utf-8"),
        b"\xef\xbb\xbf" + (HEADER + ROWS).encode("utf-8"),
        (HEADER + ROWS).encode("cp1256"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1256"],
)
def test_it_reads_utf8_with_or_without_bom_and_windows_1256(make_campaign, supervisor, data):
    campaign = make_campaign(start=False)
    report = _import(campaign, data, supervisor)
    assert report["summary"] == {"received": 2, "added": 2, "merged": 0, "excluded": 0, "rejected": 0}
    first = Target.objects.get(cpr="880412345")
    assert (first.name, first.phones, first.fields) == (
        "أحمد علي",
        ["+97336001234"],
        {"project": "مشروع شرق الحد"},
    )
    assert Target.objects.get(cpr="880412346").phones == ["+97339005678", "+97317001234"]
    assert first.source_line == 2


def test_it_reads_an_xlsx_with_numbers_and_dates_in_cells(make_campaign, supervisor):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(["الرقم الشخصي", "الاسم", "الهاتف", "تاريخ السحب", "المكان"])
    sheet.append([880412345, "أحمد علي", 36001234, dt.datetime(2026, 7, 20), "مقر الوزارة"])
    sheet.append(["12345", "بلا رقم شخصي", "36001235", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    campaign = make_campaign(start=False)
    report = _import(campaign, buffer.getvalue(), supervisor, filename="list.xlsx")
    assert report["summary"]["added"] == 1
    assert [(r["line"], r["field"], r["code"]) for r in report["rejected"]] == [(3, "cpr", "invalid_cpr")]
    target = Target.objects.get()
    assert target.phones == ["+97336001234"]
    assert target.fields == {"draw_date": "2026-07-20", "place": "مقر الوزارة"}


def test_bad_rows_are_rejected_by_line_and_field_and_the_good_ones_kept(make_campaign, supervisor):
    data = (
        "cpr,name,phone,draw_date\n"
        "٨٨٠٤١٢٣٤٥,أحمد,36001234,2026-07-20\n"
        "88041234,قصير,36001235,\n"
        "880412347,,12,\n"
        "880412348,مريم,36001236,31/02/2026\n"
        '880412349,"سطر\nمكسور",36001237\n'
    ).encode()
    campaign = make_campaign(start=False)
    report = _import(campaign, data, supervisor)
    assert report["summary"]["added"] == 1
    assert [(r["line"], r["field"], r["code"]) for r in report["rejected"]] == [
        (3, "cpr", "invalid_cpr"),
        (4, "name", "name_required"),
        (4, "phone", "invalid_phone"),
        (5, "draw_date", "invalid_date"),
        (6, "", "field_count"),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"cpr,name\n880412345,x\n", "file_columns"),
        (b"cpr,name,phone,colour\n880412345,x,36001234,red\n", "file_columns"),
        (b"cpr,name,phone,phone\n", "file_columns"),
        (b"", "file_empty"),
        ("cpr,name,phone\n".encode("utf-16"), "file_encoding"),
        (b"PK\x03\x04 not really a workbook", "xlsx_unreadable"),
    ],
    ids=["missing", "unknown", "repeated", "empty", "utf-16", "broken xlsx"],
)
def test_a_wrong_file_is_refused_whole_and_nothing_is_saved(make_campaign, supervisor, data, code):
    campaign = make_campaign(start=False)
    with pytest.raises(ValidationFailed) as refused:
        _import(campaign, data, supervisor)
    assert refused.value.code == code
    assert not Target.objects.exists()


def test_a_cpr_given_twice_is_merged_and_a_cpr_already_listed_gets_the_new_number(make_campaign, supervisor):
    campaign = make_campaign(start=False)
    _import(campaign, b"cpr,name,phone\n880412345,A,36001234\n", supervisor)
    report = _import(
        campaign,
        "cpr,name,phone,project\n880412346,ب,36001235,\n880412346,ب,39001235,مشروع\n880412345,A,39009999,\n".encode(),
        supervisor,
    )
    assert report["summary"] == {"received": 3, "added": 1, "merged": 2, "excluded": 0, "rejected": 0}
    assert report["merged"][0] == {"line": 3, "into_line": 2, "cpr": "*****2346"}
    merged = Target.objects.get(cpr="880412346")
    assert (merged.phones, merged.fields) == (["+97336001235", "+97339001235"], {"project": "مشروع"})
    assert Target.objects.get(cpr="880412345").phones == ["+97336001234", "+97339009999"]


def test_numbers_known_to_be_wrong_are_dropped_and_a_row_with_none_left_is_excluded(
    make_campaign, supervisor
):
    from django.utils import timezone

    WrongNumber.objects.create(number="+97336001234", reason="wrong_number", recorded_at=timezone.now())
    campaign = make_campaign(start=False)
    report = _import(
        campaign, b"cpr,name,phone,phone2\n880412345,A,36001234,\n880412346,B,36001234,39001111\n", supervisor
    )
    assert report["summary"]["excluded"] == 1
    assert report["excluded"][0]["reason"] == "wrong_numbers"
    assert Target.objects.get(cpr="880412345").status == Target.Status.EXCLUDED
    assert Target.objects.get(cpr="880412346").phones == ["+97339001111"]


def test_a_finished_campaign_takes_no_targets(make_campaign, supervisor):
    from apps.campaigns import services

    campaign = make_campaign(targets=1)
    services.campaign_transition(campaign=campaign, to_status="finished", actor=supervisor)
    campaign.refresh_from_db()
    with pytest.raises(Conflict):
        _import(campaign, b"cpr,name,phone\n880412345,A,36001234\n", supervisor)


def test_the_fast_phone_check_agrees_with_phonenumbers():
    """Every 4-digit prefix of a Bahraini number, with two endings each: the row check and
    apps.citizens' normalize_phone accept and refuse the same numbers."""
    from apps.citizens.validation import normalize_phone

    for prefix in range(10_000):
        for ending in ("0000", "9876"):
            number = f"{prefix:04d}{ending}"
            try:
                expected = normalize_phone(number)
            except ValidationFailed:
                expected = None
            try:
                got = imports._phone(number)
            except ValidationFailed:
                got = None
            assert got == expected, number
