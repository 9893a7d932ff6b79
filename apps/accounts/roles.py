"""Roles and what each may do: the one role → permission matrix.

A role is a Django group whose name is the role's key. ``ROLE_PERMISSIONS`` is the only
place that says which permissions a role has; ``sync_role_permissions`` (run after every
``migrate``) makes the groups match it, so later apps add their permissions here and
nowhere else.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Call-centre agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    SENIOR_MANAGEMENT = "senior_management", _("Senior management")
    COMMITTEE_SECRETARY = "committee_secretary", _("Committee secretary")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    ADMINISTRATOR = "administrator", _("Administrator")
    TELEPHONY = "telephony_system", _("Telephony system (API account)")
    BRANCH_STAFF = "branch_staff", _("Branch staff (front desk)")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data-protection officer")


# Tickets: agents and supervisors take, work, route and merge tickets of every department;
# a department officer sees and works only their own department's (the selectors in
# apps/tickets/selectors.py narrow every read to it); senior management and administrators
# read them all.
_TICKET_DESK = frozenset(
    {
        "tickets.add_ticket",
        "tickets.view_ticket",
        "tickets.view_all_tickets",
        "tickets.work_ticket",
        "tickets.assign_ticket",
        "tickets.merge_ticket",
    }
)
# Tags and macros (quick answers and several changes at once) on tickets: supervisors and
# administrators keep the list; everyone who works tickets uses them.
# Saved views: supervisors share a list's filters with a department (everyone saves their own).
_SHARE_VIEWS = frozenset({"core.share_savedview"})
_TAGS_AND_MACROS = frozenset(
    {"tickets.view_tag", "tickets.add_tag", "tickets.change_tag"}
    | {f"tickets.{action}_macro" for action in ("view", "add", "change", "delete")}
)
# "Under Your Command": agents and supervisors (and senior management) send a ticket up with a
# reason; senior management studies, decides and answers, and delegates its queue; the
# administrator reads cases (every read logged) and reviews that log. Department officers
# answer the questions asked of their department (through accounts.work_department_queue).
_ESCALATE = frozenset({"escalations.add_escalation"})
_UYC_OFFICE = frozenset(
    {
        "escalations.add_escalation",
        "escalations.work_escalation",
        "escalations.add_delegation",
        "escalations.view_delegation",
    }
)
# The change history (apps/privacy/history): supervisors, administrators and the officer see
# who changed a citizen's file (timeline, staff pages); administrators and the officer also
# search and export it. Agents do not: they see phone changes on the timeline already, and
# the history names colleagues and their reasons.
_CHANGE_HISTORY = frozenset({"privacy_history.view_change_history"})
_CHANGE_HISTORY_SEARCH = frozenset(
    {"privacy_history.view_change_history", "privacy_history.search_change_history"}
)
# Citizens: who may add a citizen or change their details and phones.
_CITIZEN_DESK = frozenset({"citizens.add_citizen", "citizens.change_citizen", "citizens.view_citizen"})
# Notifications: reading the messages sent to a citizen (their timeline); the outbox
# itself, and resending a failed message, are for supervisors and administrators.
_CITIZEN_MESSAGES = frozenset({"notifications.view_citizen_messages"})
_OUTBOX = frozenset({"notifications.view_outbox", "notifications.resend_notification"})
# Live chat (apps/chat): agents answer chats; supervisors also watch and take over any chat.
_CHAT = frozenset({"chat.use_chat_workspace"})
_CHAT_SUPERVISE = frozenset({"chat.use_chat_workspace", "chat.supervise_chat"})
# The deadlines dashboard (apps/sla): every department's figures, for those who watch them.
_SLA_DASHBOARD = frozenset({"sla.view_sla_dashboard"})
# Outbound campaigns (apps/campaigns): agents work the call lists; supervisors also set up
# campaigns, start and pause them, and read their figures.
_CAMPAIGN_CALLS = frozenset({"campaigns.work_campaign"})
_CAMPAIGN_DESK = frozenset({"campaigns.work_campaign", "campaigns.manage_campaign"})
# Appointments (apps/appointments): agents book from the console; the front desk checks
# citizens in and records walk-ins; supervisors see the figures and close branches.
_APPOINTMENT_BOOKING = frozenset({"appointments.book_appointment"})
_APPOINTMENT_DESK = frozenset({"appointments.use_front_desk"})
_APPOINTMENT_FIGURES = frozenset(
    {"appointments.view_appointment_figures", "appointments.manage_branch_closures"}
)
_APPOINTMENT_CONFIG = frozenset(
    f"appointments.{action}_{model}"
    for model in (
        "branch",
        "service",
        "offering",
        "openinghours",
        "branchclosure",
        "capacitychange",
        "branchstaff",
    )
    for action in ("view", "add", "change", "delete")
) | {"appointments.view_appointment"}

# The monthly statement (apps/reports): supervisors and administrators read it; senior
# management also edits, approves and publishes the press statement.
_STATEMENT = frozenset({"reports.view_statement"})
_STATEMENT_OFFICE = frozenset({"reports.view_statement", "reports.approve_statement"})

# Data-subject requests (apps/privacy/requests): the officer's queue and decisions; agents
# and supervisors file a request for the citizen in front of them.
_PRIVACY_REQUESTS_DESK = frozenset(
    {"privacy_requests.view_datasubjectrequest", "privacy_requests.decide_datasubjectrequest"}
)
_PRIVACY_REQUEST_ON_BEHALF = frozenset({"privacy_requests.file_datasubjectrequest_on_behalf"})

# The data-protection officer's desk (apps/privacy/desk): the read log and its export, the
# alerts about unusual reading, and the citizen's subject-access archive (every one logged).
_PRIVACY_DESK = frozenset(
    {
        "privacy_desk.view_privacy_desk",
        "privacy_desk.view_read_log",
        "privacy_desk.export_read_log",
        "privacy_desk.view_alerts",
        "privacy_desk.acknowledge_alert",
        "privacy_desk.produce_subject_access_archive",
    }
)

# Retention (apps/privacy/retention): the data-protection officer and administrators keep the
# policies (in the admin), place and release legal holds, and run the dry run.
_RETENTION_OFFICE = frozenset(
    {
        "privacy_retention.view_retentionpolicy",
        "privacy_retention.change_retentionpolicy",
        "privacy_retention.run_retention",
        "privacy_retention.manage_legal_hold",
        "privacy_retention.view_legalhold",
        "privacy_retention.view_retentionrun",
    }
)

# Exports of the staff lists (apps/exports): supervisors and administrators may include the
# citizens' names, CPR numbers, phones and e-mail; administrators may export past the limit.
_EXPORT_PERSONAL = frozenset({"exports.export_personal_data"})
_EXPORT_LARGE = frozenset({"exports.export_large"})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset({"accounts.use_agent_console", "accounts.view_citizen_identity"})
    | _TICKET_DESK
    | _CITIZEN_DESK
    | _CITIZEN_MESSAGES
    | _CAMPAIGN_CALLS
    | _ESCALATE
    | _APPOINTMENT_BOOKING
    | _PRIVACY_REQUEST_ON_BEHALF
    | _CHAT,
    Role.SUPERVISOR: frozenset(
        {"accounts.use_agent_console", "accounts.view_supervisor_dashboard", "accounts.view_citizen_identity"}
    )
    | _TICKET_DESK
    | _CITIZEN_DESK
    | _CITIZEN_MESSAGES
    | _OUTBOX
    | _SLA_DASHBOARD
    | _CAMPAIGN_DESK
    | _ESCALATE
    | _APPOINTMENT_BOOKING
    | _APPOINTMENT_DESK
    | _APPOINTMENT_FIGURES
    | _CHAT_SUPERVISE
    | _PRIVACY_REQUEST_ON_BEHALF
    | _STATEMENT
    | _CHANGE_HISTORY
    | _TAGS_AND_MACROS
    | _EXPORT_PERSONAL
    | _SHARE_VIEWS,
    Role.DEPARTMENT_OFFICER: frozenset(
        {
            "accounts.work_department_queue",
            "tickets.view_ticket",
            "tickets.work_ticket",
            "tickets.assign_ticket",
        }
    ),
    Role.SENIOR_MANAGEMENT: frozenset(
        {
            "accounts.view_uyc_cases",
            "accounts.view_supervisor_dashboard",
            "accounts.view_citizen_identity",
            "tickets.view_ticket",
            "tickets.view_all_tickets",
        }
    )
    | _CITIZEN_MESSAGES
    | _SLA_DASHBOARD
    | _UYC_OFFICE
    | _STATEMENT_OFFICE,
    Role.COMMITTEE_SECRETARY: frozenset({"accounts.manage_committee", "accounts.view_committee"}),
    Role.COMMITTEE_MEMBER: frozenset({"accounts.view_committee"}),
    Role.ADMINISTRATOR: frozenset(
        {
            "accounts.administer",
            # Staff accounts, roles, departments and deputies (/accounts/staff/).
            "accounts.manage_staff",
            "accounts.view_uyc_cases",
            "accounts.view_supervisor_dashboard",
            "accounts.view_citizen_identity",
            "accounts.view_committee",
            # The business calendar and SLA policies, kept in the admin.
            *(
                f"sla.{action}_{model}"
                for model in ("holiday", "closure", "shortenedhours", "policy")
                for action in ("view", "add", "change", "delete")
            ),
            "sla.view_policyversion",
            "tickets.view_ticket",
            "tickets.view_all_tickets",
            "tickets.add_category",
            "tickets.change_category",
            "tickets.view_category",
            # Committee configuration in the admin: committees, seats, rejection reasons.
            "committee.view_committee",
            "committee.add_committee",
            "committee.change_committee",
            "committee.view_membership",
            "committee.add_membership",
            "committee.change_membership",
            "committee.view_rejectionreason",
            "committee.add_rejectionreason",
            "committee.change_rejectionreason",
            "committee.view_letterqueued",
            # Message templates and preferences, kept in the admin; the outbox read-only there.
            "notifications.view_messagetemplate",
            "notifications.add_messagetemplate",
            "notifications.change_messagetemplate",
            "notifications.view_notificationpreference",
            "notifications.add_notificationpreference",
            "notifications.change_notificationpreference",
            "notifications.view_notification",
            # Under Your Command: read cases (logged), review that log, record delegations.
            "escalations.review_escalation_access",
            "escalations.view_escalationaccess",
            "escalations.add_delegation",
            "escalations.view_delegation",
            "core.view_otplockout",
            # Partners (apps/integrations): deliveries and their dead letters (send again),
            # webhook subscribers, and what Tawasul and the SMS gateway sent.
            "integrations_outbound.view_delivery",
            "integrations_outbound.retry_delivery",
            "integrations_webhooks.view_subscription",
            "integrations_webhooks.add_subscription",
            "integrations_webhooks.change_subscription",
            "integrations_webhooks.delete_subscription",
            "integrations_tawasul.view_tawasulmessage",
            "integrations_sms.view_inboundsms",
        }
    )
    | _CITIZEN_MESSAGES
    | _OUTBOX
    | _SLA_DASHBOARD
    | _APPOINTMENT_FIGURES
    | _APPOINTMENT_CONFIG
    | _STATEMENT
    | _CHANGE_HISTORY_SEARCH
    | _RETENTION_OFFICE
    | _TAGS_AND_MACROS
    | _EXPORT_PERSONAL
    | _EXPORT_LARGE
    | _SHARE_VIEWS,
    # The PBX/ACD posts call records with a token; it reads nothing about citizens.
    Role.TELEPHONY: frozenset({"contacts.import_contacts"}),
    # The front desk of a branch (apps/appointments.BranchStaff says which branch).
    Role.BRANCH_STAFF: _APPOINTMENT_DESK | frozenset({"accounts.view_citizen_identity"}),
    # The data-protection officer (apps/privacy): reads who saw and changed personal data,
    # answers citizens' requests and runs retention; the desk's permissions join this set.
    Role.DATA_PROTECTION_OFFICER: frozenset({"accounts.view_citizen_identity"})
    | _CHANGE_HISTORY_SEARCH
    | _PRIVACY_DESK
    | _RETENTION_OFFICE
    | _PRIVACY_REQUESTS_DESK
    | _PRIVACY_REQUEST_ON_BEHALF,
}

# Roles that must be tied to a department to make sense.
ROLES_NEEDING_DEPARTMENT = frozenset({Role.DEPARTMENT_OFFICER})


def roles_of(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]


def has_role(user, role: Role) -> bool:
    return user.is_authenticated and user.groups.filter(name=role.value).exists()


def sync_role_permissions(*, using="default", verbosity=0, **kwargs) -> None:
    """Create the role groups and give each exactly the permissions of the matrix.

    Permissions the matrix names but that do not exist yet (their app has not migrated)
    are skipped; the next ``migrate`` picks them up.
    """
    from django.contrib.auth.models import Group, Permission

    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {}
    for perm in Permission.objects.using(using).select_related("content_type"):
        key = f"{perm.content_type.app_label}.{perm.codename}"
        if key in wanted:
            by_name[key] = perm
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set([by_name[p] for p in perms if p in by_name])
