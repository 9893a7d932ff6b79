from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "apps.campaigns"
    label = "campaigns"
    verbose_name = _("Outbound campaigns")

    def ready(self):
        from apps.campaigns import selectors
        from apps.citizens import timeline
        from apps.core.navigation import NavEntry, register

        timeline.register("address", selectors.data_changes_timeline())
        _register_events()
        register(
            NavEntry(
                "campaigns:list",
                _("Campaigns"),
                "campaigns:list",
                lambda user: selectors.can_work(user) or selectors.can_manage(user),
                15,
                group="desk",
            )
        )


def _register_events() -> None:
    """The two SMS a campaign sends: "we could not reach you" after the last attempt, and
    the details of an electronic draw to a citizen who will attend it."""
    from apps.notifications.choices import Audience, Channel
    from apps.notifications.events import DefaultTemplate, Event, Placeholder, register

    register(
        Event(
            key="campaigns.unreached",
            label=_("Campaign: citizen could not be reached"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            placeholders=(
                Placeholder(
                    "message",
                    _("The campaign's message"),
                    "حاولنا الاتصال بكم لتحديث بياناتكم، يرجى الاتصال على 80008001.",
                ),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate("وزارة الإسكان: {{ message }}"),
                (Channel.SMS, "en"): DefaultTemplate("Ministry of Housing: {{ message }}"),
            },
        )
    )
    register(
        Event(
            key="campaigns.draw_invitation",
            label=_("Campaign: electronic-draw invitation details"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            placeholders=(
                Placeholder("project", _("Housing project"), "مشروع شرق سترة"),
                Placeholder("draw_date", _("Draw date"), "2026-07-20", ltr=True, optional=True),
                Placeholder("place", _("Place"), "مقر الوزارة، المنطقة الدبلوماسية", optional=True),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate(
                    "وزارة الإسكان: نرحب بحضوركم السحب الإلكتروني لـ{{ project }} بتاريخ {{ draw_date }} في {{ place }}."
                ),
                (Channel.SMS, "en"): DefaultTemplate(
                    "Ministry of Housing: you are welcome at the electronic draw of {{ project }} on "
                    "{{ draw_date }} at {{ place }}."
                ),
            },
        )
    )
