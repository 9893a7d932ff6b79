"""A generic HTTP SMS gateway.

``POST HOUSING_SMS_URL`` with JSON ``{"to", "from", "text", "reference"}``, authenticated
with ``Authorization: Bearer HOUSING_SMS_API_TOKEN`` when a token is set, otherwise HTTP
basic with ``HOUSING_SMS_USERNAME`` / ``HOUSING_SMS_PASSWORD``. A 2xx answer is success;
the provider's id is read from the JSON field named by ``HOUSING_SMS_MESSAGE_ID_FIELD``.
Time-outs, connection failures, 408, 425, 429 and 5xx are transient (retried with
back-off); any other 4xx is permanent. Settings are read on every send, so a changed
credential takes effect without a restart of the code that reads it.
"""

from __future__ import annotations

import httpx

from apps.notifications import conf
from apps.notifications.backends import (
    OutgoingSms,
    PermanentDeliveryError,
    SmsBackend,
    TransientDeliveryError,
)

_TRANSIENT_STATUSES = {408, 425, 429}


class HttpSmsBackend(SmsBackend):
    def send(self, message: OutgoingSms) -> str:
        url = conf.get("HOUSING_SMS_URL")
        if not url:
            raise PermanentDeliveryError("HOUSING_SMS_URL is not set.", code="gateway_not_configured")
        timeout = float(conf.get("HOUSING_SMS_TIMEOUT_SECONDS"))
        headers = {"Accept": "application/json"}
        auth = None
        token = conf.get("HOUSING_SMS_API_TOKEN")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif conf.get("HOUSING_SMS_USERNAME"):
            auth = (conf.get("HOUSING_SMS_USERNAME"), conf.get("HOUSING_SMS_PASSWORD"))
        payload = {
            "to": message.to,
            "from": message.sender_id,
            "text": message.text,
            "reference": message.reference,
        }
        try:
            response = httpx.post(url, json=payload, headers=headers, auth=auth, timeout=timeout)
        except httpx.TimeoutException as exc:
            raise TransientDeliveryError(
                f"The SMS gateway did not answer within {timeout:g} s ({exc.__class__.__name__}).",
                code="provider_timeout",
            ) from exc
        except httpx.TransportError as exc:
            raise TransientDeliveryError(
                f"The SMS gateway could not be reached: {exc.__class__.__name__}: {exc}",
                code="provider_unreachable",
            ) from exc
        status = response.status_code
        excerpt = response.text[:300]
        if status in _TRANSIENT_STATUSES or status >= 500:
            raise TransientDeliveryError(
                f"The SMS gateway answered {status}: {excerpt}", code=f"http_{status}"
            )
        if status >= 400:
            raise PermanentDeliveryError(
                f"The SMS gateway refused the message ({status}): {excerpt}", code=f"http_{status}"
            )
        try:
            data = response.json()
        except ValueError:
            data = {}
        field = conf.get("HOUSING_SMS_MESSAGE_ID_FIELD")
        return str(data.get(field, "")) if isinstance(data, dict) else ""
