"""Delivery backends: how a message leaves the building.

An SMS backend is a class with ``send(message: OutgoingSms) -> str`` returning the
provider's message id, raising ``TransientDeliveryError`` for what may work later
(time-outs, 5xx, throttling) and ``PermanentDeliveryError`` for what never will (a
refused number, bad credentials). ``HOUSING_SMS_BACKEND`` names the class; it is read at
call time. E-mail goes through Django's own e-mail backends (``EMAIL_BACKEND``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string

from apps.notifications import conf


class DeliveryError(Exception):
    transient = False

    def __init__(self, message: str, *, code: str = "provider_error"):
        super().__init__(message)
        self.message = message
        self.code = code


class TransientDeliveryError(DeliveryError):
    transient = True


class PermanentDeliveryError(DeliveryError):
    transient = False


@dataclass(frozen=True)
class OutgoingSms:
    to: str  # E.164
    text: str
    reference: str  # the outbox row's reference: a gateway may de-duplicate on it
    sender_id: str


class SmsBackend:
    def send(self, message: OutgoingSms) -> str:  # pragma: no cover - interface
        raise NotImplementedError


def get_sms_backend() -> SmsBackend:
    return import_string(conf.get("HOUSING_SMS_BACKEND"))()
