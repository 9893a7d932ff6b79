"""The figures of the monthly statement: codes, groups, labels and definitions in Arabic
and English (``/work/shared/domain/statement-figures.md`` is the source of every line).

Both languages are kept side by side here, not in the catalogues: the statement shows
them together (the API, the CSV and the XLSX carry both whatever the reader's language).
A figure whose code ends in a key (``calls.topic.<purpose>``, ``appointments.booked.
<branch>.<service>`` …) takes its label from the record it counts and its definition from
its family's entry below.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNT, PERCENT, MINUTES, DIFFERENCE = "count", "percent", "minutes", "difference"
# How a figure's change against the previous month is given.
CHANGE_PCT, CHANGE_PT, CHANGE_DIFF = "pct", "pt", "diff"


@dataclass(frozen=True)
class Group:
    key: str
    label_ar: str
    label_en: str


GROUPS = (
    Group("contact_centre", "مركز الاتصال", "Contact centre"),
    Group("chat_video", "المحادثة المباشرة ومكالمات الفيديو", "Live chat and video"),
    Group("uyc_committee_tawasul", "تحت أمرك ولجنة الإسكان وتواصل", "Under Your Command, committee, Tawasul"),
    Group("appointments", "المواعيد", "Appointments"),
    Group("tickets", "الطلبات (جميع القنوات)", "Tickets (all channels)"),
)
GROUP_KEYS = tuple(g.key for g in GROUPS)


@dataclass(frozen=True)
class Definition:
    code: str
    group: str
    label_ar: str
    label_en: str
    definition_ar: str
    definition_en: str
    unit: str = COUNT
    change: str | None = CHANGE_PCT
    ytd: bool = False
    confidential: bool = False  # the records behind it are "Under Your Command" cases


D = Definition
_CC, _CV, _UCT, _AP, _TK = GROUP_KEYS

DEFINITIONS: dict[str, Definition] = {
    d.code: d
    for d in (
        D(
            "contacts.total",
            _CC,
            "إجمالي الاتصالات",
            "Contacts in all",
            "اتصالات القنوات: المكالمات الواردة والصادرة والمحادثة المباشرة ومكالمات الفيديو في الشهر (بوقت العرض)",
            "Contacts of the channels inbound call, outbound call, live chat and video call in the month (by offered time)",
        ),
        D(
            "calls.inbound",
            _CC,
            "المكالمات الواردة",
            "Inbound calls",
            "المكالمات الواردة المعروضة، أُجيبت أم لم تُجب",
            "Inbound calls offered, answered or not",
        ),
        D(
            "calls.inbound_answered",
            _CC,
            "المكالمات الواردة المجاب عليها",
            "Inbound calls answered",
            "المكالمات الواردة التي أجاب عليها موظف",
            "Inbound calls answered",
        ),
        D(
            "calls.inbound_abandoned",
            _CC,
            "المكالمات الواردة غير المجاب عليها",
            "Inbound calls abandoned",
            "المكالمات الواردة المعروضة التي لم يُجب عليها",
            "Inbound calls offered and never answered",
        ),
        D(
            "calls.outbound",
            _CC,
            "المكالمات الصادرة",
            "Outbound calls",
            "المكالمات الصادرة التي أجراها المركز في الشهر، في جميع الحملات",
            "Outbound calls placed in the month, all campaigns",
        ),
        D(
            "calls.complaints",
            _CC,
            "الشكاوى عبر مركز الاتصال",
            "Complaints through the contact centre",
            "المكالمات الواردة المجاب عليها التي غرضها شكوى",
            "Answered inbound calls whose purpose is a complaint",
        ),
        D(
            "calls.settled",
            _CC,
            "مكالمات أنهاها المركز بنفسه",
            "Calls the centre settled itself",
            "المكالمات الواردة المجاب عليها التي حُلّت من أول اتصال أو حُجز فيها موعد أو فُتح فيها طلب",
            "Answered inbound calls resolved on first contact, with an appointment booked or a ticket opened",
        ),
        D(
            "calls.success_rate",
            _CC,
            "نسبة النجاح",
            "Success rate",
            "المكالمات التي أنهاها المركز بنفسه ÷ المكالمات الواردة المجاب عليها",
            "Answered inbound calls the centre settled itself ÷ answered inbound calls",
            unit=PERCENT,
            change=CHANGE_PT,
        ),
        D(
            "calls.referred",
            _CC,
            "مكالمات أُحيلت للمتابعة",
            "Calls referred for follow-up",
            "المكالمات الواردة المجاب عليها التي أُحيلت إلى إدارة للمتابعة",
            "Answered inbound calls referred to a department for follow-up",
        ),
        D(
            "calls.followup_rate",
            _CC,
            "نسبة المتابعة من الأقسام",
            "Follow-up rate",
            "المكالمات المحالة إلى إدارة للمتابعة ÷ المكالمات الواردة المجاب عليها",
            "Answered inbound calls referred to a department for follow-up ÷ answered inbound calls",
            unit=PERCENT,
            change=CHANGE_PT,
        ),
        D(
            "calls.remainder",
            _CC,
            "مكالمات لم تُحسم ولم تُحل",
            "Calls neither settled nor referred",
            "المكالمات الواردة المجاب عليها التي جُدول لها اتصال لاحق أو لم تُسجّل نتيجتها بعد",
            "Answered inbound calls with a callback scheduled or no outcome recorded yet",
        ),
        D(
            "calls.remainder_rate",
            _CC,
            "نسبة المكالمات المتبقية",
            "Remainder rate",
            "المكالمات المتبقية ÷ المكالمات الواردة المجاب عليها",
            "Calls neither settled nor referred ÷ answered inbound calls",
            unit=PERCENT,
            change=CHANGE_PT,
        ),
        D(
            "chat.citizens",
            _CV,
            "مستخدمو المحادثة المباشرة",
            "Live chat citizens",
            "المواطنون (أو الزوار غير المعرّفين) المختلفون الذين أجريت معهم محادثة مجاب عليها",
            "Distinct citizens (or distinct visitors where unidentified) who held an answered chat",
        ),
        D(
            "chat.sessions",
            _CV,
            "المحادثات",
            "Chats",
            "المحادثات التي بدأت، مجاب عليها أو لا",
            "Chats started, answered and unanswered",
        ),
        D(
            "chat.answered",
            _CV,
            "المحادثات المجاب عليها",
            "Chats answered",
            "المحادثات التي أرسل فيها موظف رسالة",
            "Chats in which an agent sent a message",
        ),
        D(
            "chat.avg_first_response_min",
            _CV,
            "متوسط الاستجابة (دقائق)",
            "Mean first response (minutes)",
            "متوسط الدقائق من طلب المحادثة إلى أول رسالة من الموظف، للمحادثات المجاب عليها",
            "Mean minutes from a chat's request to the first agent message, answered chats",
            unit=MINUTES,
        ),
        D(
            "chat.usage_change_pct",
            _CV,
            "تغير استخدام المحادثة",
            "Change in chat use",
            "نسبة التغير في عدد المحادثات عن الشهر السابق",
            "Δ% of chats against the previous month",
            unit=PERCENT,
            change=None,
        ),
        D(
            "chat.csat_pct",
            _CV,
            "نسبة الرضا",
            "Satisfaction",
            "المحادثات المقيّمة بـ4 أو 5 من 5 ÷ المحادثات المقيّمة",
            "Rated chats rated 4 or 5 out of 5 ÷ rated chats",
            unit=PERCENT,
            change=CHANGE_PT,
        ),
        D(
            "chat.rated",
            _CV,
            "المحادثات المقيّمة",
            "Chats rated",
            "المحادثات التي قيّمها المواطن",
            "Chats the citizen rated",
        ),
        D(
            "video.calls",
            _CV,
            "مكالمات الفيديو",
            "Video calls",
            "مكالمات الفيديو التي عُقدت؛ التغير بعدد المكالمات عن الشهر السابق",
            "Video calls held; change in calls against the previous month",
            change=CHANGE_DIFF,
        ),
        D(
            "uyc.received",
            _UCT,
            "حالات «تحت أمرك» المستلمة",
            "Under Your Command cases received",
            "حالات «تحت أمرك» المستلمة في الشهر",
            '"Under Your Command" cases received in the month',
            confidential=True,
        ),
        D(
            "uyc.decided",
            _UCT,
            "حالات «تحت أمرك» أُبلغ قرارها",
            "Under Your Command decisions communicated",
            "الحالات التي وصل قرارها إلى المواطن في الشهر",
            "Cases whose decision reached the citizen in the month",
            confidential=True,
        ),
        D(
            "uyc.over_30_days",
            _UCT,
            "حالات مفتوحة تجاوزت 30 يوماً",
            "Open cases older than 30 days",
            "الحالات التي لم يُبلغ قرارها بنهاية الشهر وقد مضى على استلامها أكثر من 30 يوماً",
            "Cases not yet told their decision at the month's end, received more than 30 days before",
            confidential=True,
        ),
        D(
            "committee.referred",
            _UCT,
            "الحالات المحالة إلى لجنة الإسكان",
            "Cases referred to the committee",
            "الحالات المحالة إلى لجنة الإسكان في الشهر",
            "Cases referred to the housing committee in the month",
        ),
        D(
            "committee.meetings",
            _UCT,
            "اجتماعات اللجنة",
            "Committee meetings",
            "اجتماعات اللجنة المعقودة في الشهر",
            "Committee meetings held in the month",
        ),
        D(
            "committee.approved",
            _UCT,
            "الحالات الموافق عليها",
            "Cases approved",
            "قرارات الموافقة في اجتماعات الشهر",
            "Approvals decided at the month's meetings",
        ),
        D(
            "committee.rejected",
            _UCT,
            "حالات الاعتذار",
            "Cases rejected",
            "قرارات الاعتذار في اجتماعات الشهر",
            "Rejections decided at the month's meetings",
        ),
        D(
            "committee.deferred",
            _UCT,
            "حالات تتطلب مزيداً من الدراسة",
            "Cases deferred for more study",
            "قرارات التأجيل لمزيد من الدراسة في اجتماعات الشهر",
            "Deferrals decided at the month's meetings",
        ),
        D(
            "committee.pending",
            _UCT,
            "حالات محالة لم يصدر فيها قرار",
            "Referred cases with no decision yet",
            "الحالات المحالة في الشهر التي لم يصدر فيها قرار في اجتماع حتى نهاية الشهر",
            "Cases referred in the month with no decision at a meeting by the month's end",
        ),
        D(
            "tawasul.received",
            _UCT,
            "رسائل تواصل",
            "Tawasul messages",
            "الطلبات الواردة عبر نظام تواصل في الشهر",
            "Tickets received through Tawasul in the month",
            ytd=True,
        ),
        D(
            "tawasul.ytd",
            _UCT,
            "رسائل تواصل منذ بداية العام",
            "Tawasul messages since 1 January",
            "الطلبات الواردة عبر نظام تواصل منذ 1 يناير من سنة الشهر حتى نهايته",
            "Tickets received through Tawasul since 1 January of the month's year, to the month's end",
        ),
        D(
            "tawasul.complaints_answered_pct",
            _UCT,
            "نسبة الرد على شكاوى تواصل",
            "Tawasul complaints answered",
            "شكاوى تواصل في الشهر التي أُرسل فيها رد إلى المواطن ÷ شكاوى تواصل في الشهر",
            "Tawasul complaints of the month with a reply sent to the citizen ÷ Tawasul complaints of the month",
            unit=PERCENT,
            change=CHANGE_PT,
        ),
        D(
            "appointments.attended",
            _AP,
            "مواعيد حضرها المواطن",
            "Appointments attended",
            "المواعيد المؤرخة في الشهر التي حضرها المواطن",
            "Appointments dated in the month that were attended",
        ),
        D(
            "appointments.no_show",
            _AP,
            "مواعيد لم يحضرها المواطن",
            "Appointments missed",
            "المواعيد المؤرخة في الشهر التي لم يحضرها المواطن",
            "Appointments dated in the month that were missed",
        ),
        D(
            "appointments.cancelled",
            _AP,
            "مواعيد ملغاة",
            "Appointments cancelled",
            "المواعيد المؤرخة في الشهر التي أُلغيت",
            "Appointments dated in the month that were cancelled",
        ),
        D(
            "tickets.responded_in_sla_pct",
            _TK,
            "الرد ضمن المهلة",
            "Responded within the deadline",
            "الطلبات التي وفت بمهلة الرد الأول ÷ الطلبات التي انتهت مهلة ردها الأول في الشهر",
            "Tickets whose response clock was met ÷ tickets whose response clock ended in the month",
            unit=PERCENT,
            change=CHANGE_PT,
        ),
    )
}

# Families of codes with a key at the end: their definitions.
FAMILIES: dict[str, Definition] = {
    d.code: d
    for d in (
        D(
            "calls.outbound",
            _CC,
            "",
            "",
            "المكالمات الصادرة في الشهر لهذه الفئة من الحملات (تحديث البيانات، السحب الإلكتروني، الشهادات والعقود، أخرى)",
            "Outbound calls placed in the month for this campaign group "
            "(data update, electronic draw, certificates and contracts, other)",
        ),
        D(
            "calls.purpose_share",
            _CC,
            "",
            "",
            "حصة المكالمات الواردة المجاب عليها التي ينتمي غرضها إلى هذه الفئة؛ مجموع الفئات مع «أخرى» 100%",
            'Share of answered inbound calls whose purpose belongs to this group; the groups with "other" add to 100%',
            unit=PERCENT,
            change=CHANGE_PT,
        ),
        D(
            "calls.topic",
            _CC,
            "",
            "",
            "المكالمات الواردة المجاب عليها بحسب غرضها، الأكبر أولاً",
            "Answered inbound calls by purpose, largest first",
        ),
        D(
            "tawasul.received",
            _UCT,
            "",
            "",
            "طلبات تواصل في الشهر من هذا النوع",
            "Tawasul tickets of this kind received in the month",
            ytd=True,
        ),
        D(
            "appointments.booked",
            _AP,
            "",
            "",
            "المواعيد المحجوزة في الشهر لهذا الفرع وهذه الخدمة",
            "Appointments booked in the month for this branch and service",
        ),
        D(
            "tickets.received",
            _TK,
            "",
            "",
            "الطلبات المستلمة في الشهر من هذا النوع (وهذه القناة)",
            "Tickets received in the month of this kind (and channel)",
        ),
    )
}

# The outbound-call groups (apps.campaigns.selectors.STATEMENT_GROUPS) and the purpose groups.
OUTBOUND_LABELS = {
    "data_update": ("تحديث البيانات", "data update"),
    "electronic_draw": ("السحب الإلكتروني", "electronic draw"),
    "certificates_contracts": ("شهادات الاستحقاق وعقود الانتفاع", "certificates and contracts"),
    "other": ("أخرى", "other"),
}
PURPOSE_GROUPS = {
    # group: (purpose codes, label ar, label en)
    "new_service": (("new_application",), "التقدم لخدمة إسكانية جديدة", "New housing service"),
    "request_delay": (("request_delay",), "تأخر تلبية الطلب الإسكاني", "Delay of the housing request"),
    "complaint": (("complaint",), "شكوى", "Complaint"),
}
OTHER_GROUP = "other"
TICKET_KINDS = {
    "complaint": ("شكوى", "complaint"),
    "inquiry": ("استفسار", "inquiry"),
    "suggestion": ("مقترح", "suggestion"),
    "maintenance": ("طلب صيانة", "maintenance request"),
}
TICKET_CHANNELS = {
    "phone": ("الهاتف", "phone"),
    "chat": ("المحادثة المباشرة", "live chat"),
    "video": ("مكالمة فيديو", "video call"),
    "walk_in": ("الحضور الشخصي", "walk-in"),
    "email": ("البريد الإلكتروني", "e-mail"),
    "web": ("البوابة الإلكترونية", "web portal"),
    "tawasul": ("تواصل", "Tawasul"),
    "uyc": ("تحت أمرك", "Under Your Command"),
}


def definition_for(code: str) -> Definition:
    """The definition of ``code``: its own, or its family's (the longest known prefix)."""
    if code in DEFINITIONS:
        return DEFINITIONS[code]
    parts = code.split(".")
    for size in range(len(parts) - 1, 0, -1):
        family = ".".join(parts[:size])
        if family in FAMILIES:
            return FAMILIES[family]
    raise KeyError(code)
