"""The message to a member of staff with their one-time link to set a password."""

from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register

SET_PASSWORD = "accounts.set_password"


def register_events() -> None:
    register(
        Event(
            key=SET_PASSWORD,
            label=_("Staff account: set your password"),
            description=_(
                "Sent when an administrator creates a staff account or resets its password: a"
                " one-time link to choose a password."
            ),
            audience=Audience.STAFF,
            channels=(Channel.EMAIL,),
            essential=True,
            urgent=True,
            # The link opens the account: the outbox never shows it to anyone else.
            secret=True,
            placeholders=(
                Placeholder("username", _("Username"), "a.alkhalifa", ltr=True),
                Placeholder(
                    "link", _("One-time link to set the password"), "https://…/accounts/password/set/…/"
                ),
                Placeholder("hours", _("Hours the link is valid"), 72),
            ),
            defaults={
                (Channel.EMAIL, "ar"): DefaultTemplate(
                    subject="وزارة الإسكان: اختر كلمة مرور حسابك",
                    body=(
                        "اسم المستخدم: {{ username }}\n\n"
                        "افتح هذا الرابط لاختيار كلمة المرور. يصلح الرابط مرة واحدة خلال {{ hours }} ساعة:\n"
                        "{{ link }}\n\n"
                        "إن لم تنتظر هذه الرسالة فأبلغ مدير النظام."
                    ),
                ),
                (Channel.EMAIL, "en"): DefaultTemplate(
                    subject="Ministry of Housing: choose your account's password",
                    body=(
                        "Username: {{ username }}\n\n"
                        "Open this link to choose your password. It works once, within {{ hours }} hours:\n"
                        "{{ link }}\n\n"
                        "If you did not expect this message, tell the system administrator."
                    ),
                ),
            },
        )
    )
