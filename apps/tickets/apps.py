from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "apps.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from apps.tickets import dashboard

        dashboard.register_panels()
        from apps.core.navigation import NavEntry, register
        from apps.tickets import notify, selectors

        notify.register_events()
        selectors.register_confidentiality()
        self._watch_categories()
        from apps.tickets import exports

        exports.register_export()

        register(
            NavEntry(
                "tickets:my_work",
                _("My work"),
                "tickets:my_work",
                "tickets.view_ticket",
                order=10,
                group="desk",
            )
        )
        register(
            NavEntry(
                "tickets:list", _("Tickets"), "tickets:list", "tickets.view_ticket", order=11, group="desk"
            )
        )
        register(
            NavEntry(
                "tickets:create",
                _("New ticket"),
                "tickets:create",
                "tickets.add_ticket",
                order=12,
                group="desk",
            )
        )

        register(
            NavEntry(
                "tickets:macros",
                _("Macros and quick answers"),
                "tickets:macros",
                "tickets.change_macro",
                order=40,
                group="management",
            )
        )

    @staticmethod
    def _watch_categories() -> None:
        """Any write to a category (service or admin) makes every process reload the filter's
        choices (``selectors.category_names_cache``); any write to a tag or a macro, the bulk
        bar's (``selectors.tag_and_reply_names_cache``)."""
        from apps.tickets.models import Category, Macro, Tag
        from apps.tickets.selectors import category_names_cache, tag_and_reply_names_cache

        category_names_cache.watch(Category)
        tag_and_reply_names_cache.watch(Tag, Macro)
