"""The two answers the mailbox sends itself (the acknowledgement of a filed message is the
tickets app's own ``ticket.received``). Both go to the sender's address only, through the
outbox, in Arabic and English in one message: the sender's language is not known yet."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register

TOO_LARGE = "mail.refused_too_large"
CITIZEN_UNKNOWN = "mail.citizen_unknown"

_SIGNATURE_AR = "مع التحية،\nمركز الاتصال الوطني — وزارة الإسكان"
_SIGNATURE_EN = "Kind regards,\nNational Contact Centre — Ministry of Housing"


def _bilingual(*, subject_ar: str, subject_en: str, ar: str, en: str) -> dict:
    """Both languages in one message, the chosen one first (queued in Arabic by default)."""
    arabic = "السلام عليكم،\n\n" + ar + "\n\n" + _SIGNATURE_AR
    english = "Hello,\n\n" + en + "\n\n" + _SIGNATURE_EN
    return {
        (Channel.EMAIL, "ar"): DefaultTemplate(
            subject=f"{subject_ar} — {subject_en}", body=arabic + "\n\n———\n\n" + english
        ),
        (Channel.EMAIL, "en"): DefaultTemplate(
            subject=f"{subject_en} — {subject_ar}", body=english + "\n\n———\n\n" + arabic
        ),
    }


def register_events() -> None:
    register(
        Event(
            key=TOO_LARGE,
            label=_("E-mail too large"),
            description=_("Sent to the sender of an e-mail over the size limit: it was not filed."),
            audience=Audience.CITIZEN,
            channels=(Channel.EMAIL,),
            essential=True,
            placeholders=(Placeholder("limit", _("Size limit"), "15 MB", ltr=True),),
            defaults=_bilingual(
                subject_ar="رسالتك أكبر من الحجم المسموح به",
                subject_en="Your message is too large",
                ar="شكراً لمراسلتك وزارة الإسكان. تعذّر علينا استلام رسالتك لأن حجمها يتجاوز {{ limit }}."
                " يُرجى إعادة إرسالها بمرفقات أصغر، أو تقديم طلبك عبر البوابة الإلكترونية أو الاتصال على 80008001.",
                en="Thank you for writing to the Ministry of Housing. We could not accept your message because"
                " it is larger than {{ limit }}. Please send it again with smaller attachments, or use the"
                " online portal or call 80008001.",
            ),
        )
    )
    register(
        Event(
            key=CITIZEN_UNKNOWN,
            label=_("E-mail from an address not on file"),
            description=_(
                "Sent when an e-mail comes from an address no citizen's file holds and gives no CPR number."
            ),
            audience=Audience.CITIZEN,
            channels=(Channel.EMAIL,),
            essential=True,
            placeholders=(),
            defaults=_bilingual(
                subject_ar="نحتاج إلى رقمك الشخصي",
                subject_en="We need your CPR number",
                ar="شكراً لمراسلتك وزارة الإسكان. لم نجد عنوان بريدك الإلكتروني في سجلاتنا، فلم نتمكن من"
                " تسجيل رسالتك طلباً. يُرجى إعادة إرسالها مع رقمك الشخصي (9 أرقام)، أو تقديم طلبك عبر البوابة"
                " الإلكترونية أو الاتصال على 80008001.",
                en="Thank you for writing to the Ministry of Housing. Your e-mail address is not in our"
                " records, so we could not register your message as a request. Please send it again with"
                " your CPR number (9 digits), or use the online portal or call 80008001.",
            ),
        )
    )
