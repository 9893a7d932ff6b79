"""The ministry's branches, services and which branch offers what (from its monthly
statement): loaded by ``services.catalogue_ensure`` for the demo and the tests, and kept
afterwards in the Django admin."""

from __future__ import annotations

from datetime import time

MAPS = "https://www.google.com/maps/search/?api=1&query="

BRANCHES = [
    # code, Arabic, English, address ar, address en, map query, opens, closes
    (
        "hq",
        "المقر الرئيسي لوزارة الإسكان — المنطقة الدبلوماسية",
        "Ministry of Housing head office — Diplomatic Area",
        "مبنى وزارة الإسكان، المنطقة الدبلوماسية، المنامة",
        "Ministry of Housing building, Diplomatic Area, Manama",
        MAPS + "26.2405,50.5876",
        time(7, 30),
        time(13, 30),
    ),
    (
        "bank-moayyed",
        "بنك الإسكان — برج المؤيد",
        "Housing Bank — Al Moayyed Tower",
        "برج المؤيد، السيف",
        "Al Moayyed Tower, Seef",
        MAPS + "26.2331,50.5368",
        time(8, 0),
        time(13, 0),
    ),
    (
        "bank-danat",
        "بنك الإسكان — دانات المدينة",
        "Housing Bank — Danat Al Madina",
        "مجمع دانات المدينة، مدينة عيسى",
        "Danat Al Madina mall, Isa Town",
        MAPS + "26.1736,50.5478",
        time(8, 0),
        time(13, 0),
    ),
]

SERVICES = [
    # code, Arabic, English, minutes, documents ar, documents en
    (
        "new-application",
        "طلب خدمة إسكانية جديدة",
        "New housing application",
        20,
        "البطاقة الذكية لمقدم الطلب والزوجة\nعقد الزواج\nشهادة راتب حديثة\nشهادات ميلاد الأبناء",
        "Smart cards of the applicant and spouse\nMarriage contract\nA recent salary certificate\n"
        "The children's birth certificates",
    ),
    (
        "mazaya",
        "برنامج مزايا",
        "Mazaya programme",
        30,
        "البطاقة الذكية\nشهادة راتب حديثة\nكشف حساب بنكي لستة أشهر\nعرض الوحدة السكنية من المطور",
        "Smart card\nA recent salary certificate\nSix months of bank statements\nThe developer's offer for the unit",
    ),
    (
        "inspection",
        "الحملات التفتيشية",
        "Inspection campaign",
        30,
        "البطاقة الذكية\nوثائق الوحدة السكنية",
        "Smart card\nThe housing unit's documents",
    ),
    (
        "data-update",
        "تحديث البيانات",
        "Data update",
        15,
        "البطاقة الذكية\nالمستندات التي تثبت التغيير (راتب، عنوان، حالة اجتماعية)",
        "Smart card\nDocuments proving the change (salary, address, marital status)",
    ),
    (
        "handover",
        "تسليم شهادات الاستحقاق وعقود الانتفاع",
        "Hand-over of entitlement certificates and usufruct contracts",
        20,
        "البطاقة الذكية لمقدم الطلب والزوجة\nرسالة الدعوة النصية",
        "Smart cards of the applicant and spouse\nThe SMS invitation",
    ),
]

# branch, service, counters — the five pairs of the statement, then data update and
# hand-over at the head office.
OFFERINGS = [
    ("hq", "new-application", 4),
    ("bank-moayyed", "mazaya", 3),
    ("bank-danat", "new-application", 2),
    ("hq", "mazaya", 2),
    ("hq", "inspection", 1),
    ("hq", "data-update", 2),
    ("hq", "handover", 2),
]

# The statement's July bookings per pair: the demo month keeps these proportions.
STATEMENT_SHARES = {
    ("hq", "new-application"): 346,
    ("bank-moayyed", "mazaya"): 178,
    ("bank-danat", "new-application"): 135,
    ("hq", "mazaya"): 110,
    ("hq", "inspection"): 57,
    ("hq", "data-update"): 40,
    ("hq", "handover"): 30,
}

# Sunday … Thursday (Python weekday numbers).
WORKING_WEEKDAYS = (6, 0, 1, 2, 3)
