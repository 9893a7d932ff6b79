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
        self._register_saved_views()

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
                "tickets:tags",
                _("Tags"),
                "tickets:tag_list",
                "tickets.view_tag",
                order=70,
                group="management",
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
    def _register_saved_views() -> None:
        from apps.core import saved_views
        from apps.tickets import selectors
        from apps.tickets.forms import TicketFilterForm

        def rows(form, viewer):
            return selectors.filter_tickets(
                selectors.visible_tickets(viewer),
                form.to_filters(),
                confidential_text=selectors.can_read_confidential(viewer),
            )

        saved_views.register_list(
            saved_views.ListSpec(
                key="tickets",
                label=_("Tickets"),
                url_name="tickets:list",
                form_class=TicketFilterForm,
                permission=selectors.VIEW,
                form=lambda data, viewer: TicketFilterForm(data, viewer=viewer),
                rows=rows,
                sorts=(
                    ("", _("Newest first")),
                    ("oldest", _("Oldest first")),
                    ("updated", _("Recently updated")),
                ),
            )
        )

    @staticmethod
    def _watch_categories() -> None:
        """Any write to a category (service or admin) makes every process reload the filter's
        choices (``selectors.category_names_cache``); any write to a tag or a macro, the bulk
        bar's, the list filter's and the rows' chips (``selectors.tag_and_reply_names_cache``);
        any change of a ticket's tags, the list filter's cached per-tag counts; any write to a
        user, a department, a group, a permission or who belongs to what, the filter's people
        and departments (``selectors.everyone_assignable_cache``)."""
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed

        from apps.accounts.models import Department, User
        from apps.tickets.models import Category, Macro, Tag, Ticket
        from apps.tickets.selectors import (
            category_names_cache,
            everyone_assignable_cache,
            tag_and_reply_names_cache,
            tag_counts_cache,
        )

        category_names_cache.watch(Category)
        tag_and_reply_names_cache.watch(Tag, Macro)
        everyone_assignable_cache.watch(Department, Group, Permission)
        # A sign-in stamps ``last_login`` (Django's ``update_last_login``): not shown, no change.
        everyone_assignable_cache.watch(User, ignore_fields={"last_login"})
        for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(
                everyone_assignable_cache.changed,
                sender=through,
                dispatch_uid=f"tickets:assignable:{through._meta.label_lower}",
            )
        m2m_changed.connect(
            tag_counts_cache.changed, sender=Ticket.tags.through, dispatch_uid="tickets:tag-counts"
        )
