"""Decision listeners: how other apps hear that a committee decision became final.

When the chair signs the minutes (and when a signed decision is amended), the committee
calls every registered listener inside the same database transaction, so a listener's
writes — a line on a ticket's timeline, a status move, an outbox row — commit or roll back
with the decision itself. A listener must therefore only write to the database (queue
side effects through the notifications outbox) and must raise an ``ApplicationError`` to
refuse; it never sends anything itself.

How an app plugs in (the escalations app will do this from its ``AppConfig.ready()``)::

    from apps.committee import listeners

    def on_committee_decision(effect: listeners.DecisionEffect) -> None:
        if effect.referral.source_kind != "escalation":
            return
        ...  # find the escalation, write its timeline, move its status

    listeners.register("escalations", on_committee_decision)

Each listener looks at ``effect.referral.source_kind`` and ignores referrals that are not
its own. Keys are unique; registering the same key again replaces the listener (so a
module reloaded in development does not register twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apps.committee.models import Decision, Referral


@dataclass(frozen=True)
class DecisionEffect:
    decision: Decision  # the decision now in force
    referral: Referral
    amended: Decision | None  # the decision it corrects, for an amendment; else None
    actor: object  # the staff member whose act made it final (the chair, or the secretary amending)

    @property
    def is_amendment(self) -> bool:
        return self.amended is not None


Listener = Callable[[DecisionEffect], None]

_LISTENERS: dict[str, Listener] = {}


def register(key: str, listener: Listener) -> None:
    _LISTENERS[key] = listener


def unregister(key: str) -> None:
    _LISTENERS.pop(key, None)


def registered() -> dict[str, Listener]:
    return dict(_LISTENERS)


def notify(effect: DecisionEffect) -> None:
    for key in sorted(_LISTENERS):
        _LISTENERS[key](effect)
