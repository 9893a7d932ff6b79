"""The SMS gateway's signed webhook for citizens' text messages."""

from __future__ import annotations

from apps.integrations import http
from apps.integrations.sms import services


@http.partner_endpoint("sms")
def inbound(request):
    body = http.read_body(request, limit=services.max_body_bytes())
    filed = services.sms_receive(headers=request.headers, body=body)
    return filed.as_json(), 200
