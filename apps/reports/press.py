"""The draft press statement, in Arabic (the ministry's register) and English, written from
the month's figures only.

Every number in the text comes from a figure code, through ``_Writer.number``, which
records what it wrote (the trace); large numbers are rounded the way the ministry writes
them — "more than 12,500", "about 900" — and small ones, shares and rates stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats, translation

from apps.reports.statement import Statement

EXACT, ROUNDED, PERCENT, MINUTES = "exact", "rounded", "percent", "minutes"


def ministry_round(value: int) -> tuple[str, str]:
    """(qualifier, number): ("more than", "12,500") for 12,846; ("about", "900") for 897;
    ("", "57") for 57. Exact when the rounding would not change the number."""
    if value >= 1000:
        step = 500 if value >= 10_000 else 100
        floor = value - value % step
        return ("", f"{value:,}") if floor == value else ("more", f"{floor:,}")
    if value >= 100:
        nearest = int(round(value, -1))
        return ("", f"{value:,}") if nearest == value else ("about", f"{nearest:,}")
    return "", f"{value:,}"


def render_number(value, style: str) -> str:
    if style == PERCENT:
        return f"{abs(value):,.2f}%"
    if style == MINUTES:
        return f"{round(value):,}"
    if style == ROUNDED:
        return ministry_round(int(value))[1]
    return f"{abs(int(value)):,}"


# Arabic counted nouns: (singular, plural for 3–10, accusative singular for 11–99). The form
# follows the last two digits of the number as written (so "أكثر من 12,500 اتصال").
AR_NOUNS = {
    "اتصال": ("اتصال", "اتصالات", "اتصالاً"),
    "مكالمة": ("مكالمة", "مكالمات", "مكالمة"),
    "حالة": ("حالة", "حالات", "حالة"),
    "شكوى": ("شكوى", "شكاوى", "شكوى"),
    "رسالة": ("رسالة", "رسائل", "رسالة"),
    "استفسار": ("استفسار", "استفسارات", "استفساراً"),
    "مقترح": ("مقترح", "مقترحات", "مقترحاً"),
    "مواطن": ("مواطن", "مواطنين", "مواطناً"),
    "دقيقة": ("دقيقة", "دقائق", "دقيقة"),
    "اجتماع": ("اجتماع", "اجتماعات", "اجتماعاً"),
    "موعد": ("موعد", "مواعيد", "موعداً"),
}


def _for(label: str) -> str:
    """ "for …" in Arabic: the preposition ل joined to the word, لل before the article."""
    return "ل" + (label[1:] if label.startswith("ال") else label)


def ar_noun(number_text: str, noun: str) -> str:
    """The form of ``noun`` after the numeral ``number_text`` ("3" → حالات, "14" → حالة)."""
    singular, plural, accusative = AR_NOUNS[noun]
    digits = "".join(ch for ch in number_text if ch.isdigit())
    if not digits:
        return singular
    last_two = int(digits) % 100
    if 3 <= last_two <= 10:
        return plural
    if 11 <= last_two <= 99:
        return accusative
    return singular


QUALIFIERS = {
    "ar": {"more": "أكثر من ", "about": "حوالي ", "": ""},
    "en": {"more": "more than ", "about": "about ", "": ""},
}


@dataclass
class _Writer:
    statement: Statement
    language: str
    trace: list = field(default_factory=list)

    def __post_init__(self):
        self.figures = self.statement.by_code()

    def value(self, code: str):
        figure = self.figures.get(code)
        return None if figure is None else figure.value

    def change(self, code: str):
        figure = self.figures.get(code)
        return None if figure is None else figure.change

    def number(self, code: str, style: str = EXACT, *, part: str = "value") -> str:
        figure = self.figures[code]
        value = getattr(figure, part)
        text = render_number(value, style)
        qualifier = ministry_round(int(value))[0] if style == ROUNDED else ""
        self.trace.append({"code": code, "part": part, "style": style, "text": text})
        return QUALIFIERS[self.language][qualifier] + text

    def counted(self, code: str, noun: str, style: str = EXACT, *, part: str = "value") -> str:
        """The number of ``code`` followed by ``noun`` in the form Arabic grammar asks for."""
        text = self.number(code, style, part=part)
        return f"{text} {ar_noun(text, noun)}"


def _month_names(statement: Statement, language: str) -> tuple[str, str]:
    with translation.override(language):
        return formats.date_format(statement.month, "F"), formats.date_format(statement.previous_month, "F")


def _arabic(w: _Writer, month: str, previous: str) -> list[str]:
    v, n, c = w.value, w.number, w.counted
    paragraphs = []
    text = (
        f"قالت وزارة الإسكان إنها تلقت {c('contacts.total', 'اتصال', ROUNDED)} في {month} الماضي عبر مركز "
        f"الاتصال الوطني التابع لها، منها {c('calls.inbound', 'مكالمة', EXACT)} هاتفية واردة"
    )
    change = w.change("calls.inbound")
    if change:
        verb = "ازدادت" if change > 0 else "انخفضت"
        text += f" {verb} بنسبة {n('calls.inbound', PERCENT, part='change')} مقارنة بشهر {previous}"
    if v("calls.outbound"):
        text += f"، و{c('calls.outbound', 'مكالمة', ROUNDED)} صادرة عن مركز الاتصال"
    paragraphs.append(text + ".")
    if v("calls.inbound_answered"):
        text = (
            "وأضافت أن أغراض الاتصالات جاءت متنوعة لتصل نسبة الاستفسار حول التقدم لخدمة إسكانية جديدة "
            f"{n('calls.purpose_share.new_service', PERCENT)}، ونسبة المكالمات حول تأخر تلبية الطلب الإسكاني "
            f"{n('calls.purpose_share.request_delay', PERCENT)}، وبلغ عدد الشكاوى المقدمة عبر مركز الاتصال "
            f"{c('calls.complaints', 'شكوى')} بنسبة {n('calls.purpose_share.complaint', PERCENT)}."
        )
        if v("calls.success_rate") is not None:
            text += (
                f" واستطاع المركز خدمة العملاء بنسبة نجاح تقدر بـ{n('calls.success_rate', PERCENT)}، على أن تتابع "
                f"الأقسام المعنية {n('calls.followup_rate', PERCENT)} من المكالمات."
            )
        topics = [f for f in w.statement.figures if f.code.startswith("calls.topic.") and f.value][:4]
        if topics:
            parts = [
                f"{c(f.code, 'مكالمة', ROUNDED)} عن {f.label_ar.removeprefix('مكالمات عن: ')}" for f in topics
            ]
            text += " وحول طبيعة الاستفسارات، جاءت " + "، و".join(parts) + "."
        paragraphs.append(text)
    if v("chat.sessions"):
        text = (
            f"وأوضحت الوزارة أن {c('chat.citizens', 'مواطن', ROUNDED)} تواصلوا معها عبر خدمة المحادثة الكتابية "
            "المباشرة بموقع الوزارة الإلكتروني"
        )
        if v("chat.avg_first_response_min") is not None:
            text += f" بمتوسط استجابة {c('chat.avg_first_response_min', 'دقيقة', MINUTES)}"
        usage = v("chat.usage_change_pct")
        if usage:
            verb = "ارتفع" if usage > 0 else "انخفض"
            text += (
                f"، و{verb} استخدام هذه الخدمة بنسبة {n('chat.usage_change_pct', PERCENT)} عن شهر {previous}"
            )
        if v("chat.csat_pct") is not None:
            text += f"، بنسبة رضا {n('chat.csat_pct', PERCENT)}"
        paragraphs.append(text + ".")
    if v("video.calls") or w.change("video.calls"):
        text = f"وبيّنت الإحصاءات إجراء {c('video.calls', 'مكالمة')} فيديو"
        diff = w.change("video.calls")
        if diff:
            word = "بزيادة" if diff > 0 else "بانخفاض"
            text += f" {word} {n('video.calls', EXACT, part='change')} عن الشهر الماضي"
        paragraphs.append(text + ".")
    if v("uyc.received"):
        paragraphs.append(
            f"وتسلمت الوزارة {c('uyc.received', 'حالة', ROUNDED)} في صندوق «تحت أمرك»، ووصل القرار إلى المواطن في "
            f"{c('uyc.decided', 'حالة')} خلال الشهر، فيما تجاوزت {c('uyc.over_30_days', 'حالة')} مفتوحة مهلة الثلاثين يوماً."
            if v("uyc.over_30_days")
            else f"وتسلمت الوزارة {c('uyc.received', 'حالة', ROUNDED)} في صندوق «تحت أمرك»، ووصل القرار إلى المواطن في "
            f"{c('uyc.decided', 'حالة')} خلال الشهر."
        )
    if v("committee.referred") or v("committee.meetings"):
        paragraphs.append(
            f"وبلغ إجمالي عدد الطلبات المحالة إلى لجنة الإسكان {c('committee.referred', 'حالة', ROUNDED)} في {month}، "
            f"بمعدل {c('committee.meetings', 'اجتماع')} عقدت خلال الشهر، لتتم الموافقة على {c('committee.approved', 'حالة')} "
            f"والاعتذار عن {c('committee.rejected', 'حالة')}، و{c('committee.deferred', 'حالة')} تطلبت مزيداً من "
            f"الدراسة، فيما لا تزال {c('committee.pending', 'حالة')} محالة خلال الشهر بانتظار القرار."
        )
    if v("tawasul.received") or w.figures["tawasul.ytd"].value:
        text = (
            f"وأكدت الوزارة تلقيها {c('tawasul.received', 'رسالة')} عبر النظام الوطني للمقترحات والشكاوى «تواصل» في "
            f"{month}، منها {c('tawasul.received.complaint', 'شكوى')} و{c('tawasul.received.inquiry', 'استفسار')} "
            f"و{c('tawasul.received.suggestion', 'مقترح')}، ليبلغ عدد الحالات المستلمة منذ مطلع العام "
            f"{c('tawasul.ytd', 'حالة')}"
        )
        if v("tawasul.complaints_answered_pct") is not None:
            text += f"، واستجابت الوزارة لـ{n('tawasul.complaints_answered_pct', PERCENT)} من الشكاوى الواردة"
        paragraphs.append(text + ".")
    booked = [f for f in w.statement.figures if f.code.startswith("appointments.booked.") and f.value][:5]
    if booked:
        parts = [f"{c(f.code, 'موعد')} {_for(f.label_ar.removeprefix('مواعيد محجوزة: '))}" for f in booked]
        paragraphs.append(
            f"وأوضحت «الإسكان» أنها حجزت خلال {month} مواعيد بناءً على طلب المواطنين، منها "
            + "، و".join(parts)
            + "."
        )
    return paragraphs


def _english(w: _Writer, month: str, previous: str) -> list[str]:
    v, n = w.value, w.number
    paragraphs = []
    text = (
        f"The Ministry of Housing said it received {n('contacts.total', ROUNDED)} contacts in {month} through its "
        f"national contact centre, including {n('calls.inbound', EXACT)} inbound telephone calls"
    )
    change = w.change("calls.inbound")
    if change:
        verb = "up" if change > 0 else "down"
        text += f", {verb} {n('calls.inbound', PERCENT, part='change')} on {previous}"
    if v("calls.outbound"):
        text += f", and placed {n('calls.outbound', ROUNDED)} outbound calls"
    paragraphs.append(text + ".")
    if v("calls.inbound_answered"):
        text = (
            "Inquiries about applying for a new housing service made up "
            f"{n('calls.purpose_share.new_service', PERCENT)} of answered calls and calls about delays in housing "
            f"requests {n('calls.purpose_share.request_delay', PERCENT)}; {n('calls.complaints')} complaints were "
            f"made through the contact centre ({n('calls.purpose_share.complaint', PERCENT)})."
        )
        if v("calls.success_rate") is not None:
            text += (
                f" The centre served callers with a success rate of {n('calls.success_rate', PERCENT)}, with "
                f"{n('calls.followup_rate', PERCENT)} followed up by the departments concerned."
            )
        topics = [f for f in w.statement.figures if f.code.startswith("calls.topic.") and f.value][:4]
        if topics:
            parts = [
                f"{n(f.code, ROUNDED)} about {f.label_en.removeprefix('Calls about: ').lower()}"
                for f in topics
            ]
            text += " The most frequent topics were: " + "; ".join(parts) + "."
        paragraphs.append(text)
    if v("chat.sessions"):
        text = f"{n('chat.citizens', ROUNDED).capitalize()} citizens used the live chat on the ministry's website"
        if v("chat.avg_first_response_min") is not None:
            text += f", with an average response time of {n('chat.avg_first_response_min', MINUTES)} minutes"
        usage = v("chat.usage_change_pct")
        if usage:
            verb = "rose" if usage > 0 else "fell"
            text += f"; use of the service {verb} {n('chat.usage_change_pct', PERCENT)} on {previous}"
        if v("chat.csat_pct") is not None:
            text += f", with a satisfaction rate of {n('chat.csat_pct', PERCENT)}"
        paragraphs.append(text + ".")
    if v("video.calls") or w.change("video.calls"):
        text = f"{n('video.calls')} video calls were held"
        diff = w.change("video.calls")
        if diff:
            word = "more" if diff > 0 else "fewer"
            text += f", {n('video.calls', EXACT, part='change')} {word} than the month before"
        paragraphs.append(text + ".")
    if v("uyc.received"):
        text = (
            f'The "Under Your Command" mailbox received {n("uyc.received", ROUNDED)} cases; decisions reached '
            f"citizens in {n('uyc.decided')} cases during the month"
        )
        if v("uyc.over_30_days"):
            text += f", and {n('uyc.over_30_days')} open cases were past the thirty days"
        paragraphs.append(text + ".")
    if v("committee.referred") or v("committee.meetings"):
        paragraphs.append(
            f"{n('committee.referred', ROUNDED).capitalize()} cases were referred to the housing committee in {month}, "
            f"which held {n('committee.meetings')} meetings: {n('committee.approved')} cases were approved, "
            f"{n('committee.rejected')} rejected and {n('committee.deferred')} deferred for more study, while "
            f"{n('committee.pending')} cases referred during the month await a decision."
        )
    if v("tawasul.received") or w.figures["tawasul.ytd"].value:
        text = (
            f"The ministry received {n('tawasul.received')} messages through the national suggestions and complaints "
            f"system Tawasul in {month}: {n('tawasul.received.complaint')} complaints, "
            f"{n('tawasul.received.inquiry')} inquiries and {n('tawasul.received.suggestion')} suggestions, bringing "
            f"the total since the start of the year to {n('tawasul.ytd')}"
        )
        if v("tawasul.complaints_answered_pct") is not None:
            text += f"; {n('tawasul.complaints_answered_pct', PERCENT)} of the complaints were answered"
        paragraphs.append(text + ".")
    booked = [f for f in w.statement.figures if f.code.startswith("appointments.booked.") and f.value][:5]
    if booked:
        parts = [f"{n(f.code)} for {f.label_en.removeprefix('Appointments booked: ')}" for f in booked]
        paragraphs.append(
            f"At citizens' request the ministry booked appointments in {month}: " + "; ".join(parts) + "."
        )
    return paragraphs


@dataclass
class Draft:
    text_ar: str
    text_en: str
    trace: list


def draft_press_statement(statement: Statement) -> Draft:
    month_ar, previous_ar = _month_names(statement, "ar")
    month_en, previous_en = _month_names(statement, "en")
    arabic = _Writer(statement, "ar")
    english = _Writer(statement, "en")
    text_ar = "\n\n".join(_arabic(arabic, month_ar, previous_ar))
    text_en = "\n\n".join(_english(english, month_en, previous_en))
    return Draft(text_ar=text_ar, text_en=text_en, trace=arabic.trace + english.trace)
