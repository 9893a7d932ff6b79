"""Tawasul's signed webhook: one message in, its ticket's review number out."""

from __future__ import annotations

from apps.integrations import http
from apps.integrations.tawasul import conf, services


@http.partner_endpoint("tawasul")
def webhook(request):
    body = http.read_body(request, limit=int(conf.get("HOUSING_TAWASUL_MAX_BODY_BYTES")))
    received = services.message_receive(headers=request.headers, body=body)
    return received.as_json(), 201 if received.created else 200
