"""Demo data: the default wording of every registered event as editable templates."""

from apps.notifications.services import message_templates_install_defaults


def seed(stdout) -> None:
    created = message_templates_install_defaults(actor=None)
    stdout.write(f"notifications: {created} message template(s) added")
