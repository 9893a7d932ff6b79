from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "apps.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        from apps.contacts import dashboard

        dashboard.register_panels()
        from django.db.models.signals import post_migrate

        from apps.citizens import timeline
        from apps.contacts import selectors, taxonomy
        from apps.core.navigation import NavEntry, register

        post_migrate.connect(taxonomy.ensure_after_migrate, dispatch_uid="contacts.taxonomy")
        # A change of a contact's tags drops the list filter's cached per-tag counts.
        from django.db.models.signals import m2m_changed

        from apps.contacts.models import Contact

        m2m_changed.connect(
            selectors.tag_counts_cache.changed,
            sender=Contact.tags.through,
            dispatch_uid="contacts:tag-counts",
        )
        selectors.register_confidentiality()
        from apps.contacts import exports

        exports.register_exports()
        # Read in the timeline's one query (``timeline.QuerySource``).
        for source in (
            selectors.CONTACTS_TIMELINE,
            selectors.FOLLOW_UPS_TIMELINE,
            selectors.CALLBACKS_TIMELINE,
            selectors.TICKETS_TIMELINE,
            selectors.MESSAGES_TIMELINE,
        ):
            timeline.register(source.kind, source)
        _register_events()
        from apps.tickets.quick_answers import register_quick_answer_source

        register_quick_answer_source("contacts", selectors.ticket_quick_answers)
        _register_saved_views()
        register(
            NavEntry(
                "contacts:console",
                _("Agent console"),
                "contacts:console",
                selectors.CONSOLE_PERMISSION,
                10,
                group="desk",
            )
        )
        register(
            NavEntry(
                "contacts:supervisor",
                _("Contact figures"),
                "contacts:supervisor",
                selectors.SUPERVISOR_PERMISSION,
                20,
                group="management",
            )
        )
        register(
            NavEntry(
                "contacts:follow_ups",
                _("Follow-ups"),
                "contacts:follow_ups",
                selectors.DEPARTMENT_PERMISSION,
                30,
                group="desk",
            )
        )


def _register_events() -> None:
    """The SMS an agent asks for with "send by SMS later" beside a quick answer."""
    from apps.notifications.choices import Audience, Channel
    from apps.notifications.events import DefaultTemplate, Event, Placeholder, register

    register(
        Event(
            key="contacts.quick_answer",
            label=_("Approved answer texted after a contact"),
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            placeholders=(
                Placeholder(
                    "answer",
                    _("The approved answer"),
                    "يشترط لتقديم طلب خدمة إسكانية أن يكون مقدم الطلب بحرينيًا.",
                ),
            ),
            defaults={
                (Channel.SMS, "ar"): DefaultTemplate("وزارة الإسكان: {{ answer }}"),
                (Channel.SMS, "en"): DefaultTemplate("Ministry of Housing: {{ answer }}"),
            },
        )
    )


def _register_saved_views() -> None:
    """The supervisor's contact list takes saved views (apps.core.saved_views)."""
    from apps.contacts import selectors
    from apps.contacts.forms import ContactFilterForm, FollowUpFilterForm
    from apps.core import saved_views

    saved_views.register_list(
        saved_views.ListSpec(
            key="contacts",
            label=_("Contacts"),
            url_name="contacts:contact_list",
            form_class=ContactFilterForm,
            permission=selectors.SUPERVISOR_PERMISSION,
            form=lambda data, viewer: ContactFilterForm(data),
            rows=lambda form, viewer: selectors.filter_contacts(form.filters()),
            sorts=(("", _("Newest first")), ("oldest", _("Oldest first"))),
        )
    )

    def queue_allowed(user) -> bool:
        return (
            user.has_perm(selectors.DEPARTMENT_PERMISSION)
            or selectors.can_supervise(user)
            or user.has_perm("accounts.administer")
        )

    def follow_up_rows(form, viewer):
        data = form.cleaned_data
        return selectors.follow_up_queue(
            viewer=viewer,
            department_id=int(data["department"]) if data.get("department") else None,
            status=data.get("status") or "open",
        )

    saved_views.register_list(
        saved_views.ListSpec(
            key="follow_ups",
            label=_("Follow-ups"),
            url_name="contacts:follow_ups",
            form_class=FollowUpFilterForm,
            permission=queue_allowed,
            form=lambda data, viewer: FollowUpFilterForm(data),
            rows=follow_up_rows,
            sorts=(("", _("Due first")),),
        )
    )
