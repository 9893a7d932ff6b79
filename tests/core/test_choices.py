from django.utils import translation

from apps.core.choices import choice_label
from apps.tickets.models import Ticket


def test_the_label_is_that_of_get_display_in_each_language():
    ticket = Ticket(kind=Ticket.Kind.COMPLAINT, channel=Ticket.Channel.PHONE, status=Ticket.Status.NEW)
    for language in ("ar", "en"):
        with translation.override(language):
            for field in ("kind", "channel", "status"):
                assert choice_label(ticket, field) == getattr(ticket, f"get_{field}_display")()


def test_a_value_outside_the_choices_is_shown_as_it_is():
    ticket = Ticket(kind="no-such-kind")
    assert choice_label(ticket, "kind") == "no-such-kind"
