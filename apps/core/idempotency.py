"""``Idempotency-Key`` for any API POST: a repeat gets the first answer and creates nothing.

Add ``IdempotencyMixin`` to a DRF view (before the view class). When a POST carries the
header:

1. after authentication and permission checks, the view opens a transaction and inserts
   the key's row (user or anonymous address + key + path, with a hash of the request);
2. if the row already exists — the unique index makes a concurrent twin wait here until
   the first request commits — a same-hash row is answered from its stored response
   (``Idempotent-Replayed: true``), a different-hash row with 422 ``idempotency_key_reused``;
3. otherwise the handler runs inside that same transaction. A 2xx answer is stored on the
   row and committed together with whatever the handler wrote, so "done" and "remembered"
   cannot drift apart; any other answer deletes the row (the retry runs afresh); an
   unhandled error rolls everything back.

Rows older than ``HOUSING_IDEMPOTENCY_TTL_SECONDS`` are ignored and purged by
``manage.py idempotency_purge``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_STORED_HEADERS = ("Location",)


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status = 422
    default_message = _("This Idempotency-Key was already used for a different request.")


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def request_fingerprint(request) -> str:
    """A hash of what the request asks for: method, path and content (files by their bytes)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    data = request.data
    fields = {}
    if hasattr(data, "lists"):
        for name, values in sorted(data.lists()):
            fields[name] = [v if isinstance(v, str) else repr(v) for v in values]
    else:
        fields = data
    digest.update(json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode())
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            upload.seek(0)
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            digest.update(f"|{name}:{upload.name}:{upload.size}".encode())
    return digest.hexdigest()


def _client(request) -> str:
    return "" if request.user.is_authenticated else f"anon:{request.META.get('REMOTE_ADDR', '')}"[:64]


def _valid_key(key: str) -> bool:
    return 1 <= len(key) <= 255 and key.isascii() and key.isprintable()


class IdempotencyMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_atomic = None
        self._idempotency_record = None
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return
        if not _valid_key(key):
            raise ValidationFailed(
                _("The Idempotency-Key header must be 1 to 255 printable ASCII characters."),
                code="invalid_idempotency_key",
            )
        fingerprint = request_fingerprint(request)
        self._idempotency_atomic = transaction.atomic()
        self._idempotency_atomic.__enter__()
        try:
            record = self._claim(request, key, fingerprint)
        except BaseException:
            self._end(error=True)
            raise
        if record.status_code is not None:
            if record.request_hash != fingerprint:
                self._end()
                raise IdempotencyKeyReused(details={"key": key})
            raise _Replay(record)
        self._idempotency_record = record

    def _claim(self, request, key: str, fingerprint: str) -> IdempotencyRecord:
        user = request.user if request.user.is_authenticated else None
        scope = {"user": user, "client": _client(request), "key": key, "path": request.path[:255]}
        expired = timezone.now() - timedelta(seconds=settings.HOUSING_IDEMPOTENCY_TTL_SECONDS)
        IdempotencyRecord.objects.filter(created_at__lt=expired, **scope).delete()
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(request_hash=fingerprint, **scope)
        except IntegrityError:
            # The first request with this key committed (we waited on the unique index for
            # it): answer from its row.
            return IdempotencyRecord.objects.select_for_update().get(**scope)

    def _end(self, *, error: bool = False) -> None:
        atomic, self._idempotency_atomic = self._idempotency_atomic, None
        if atomic is None:
            return
        if error:
            atomic.__exit__(RuntimeError, RuntimeError("rolled back"), None)
        else:
            atomic.__exit__(None, None, None)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            self._end()
            record = exc.record
            headers = {**record.response_headers, REPLAYED_HEADER: "true"}
            return Response(record.response_body, status=record.status_code, headers=headers)
        try:
            return super().handle_exception(exc)
        except BaseException:
            self._end(error=True)
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency_record", None)
        if record is None or getattr(self, "_idempotency_atomic", None) is None:
            return response
        self._idempotency_record = None
        try:
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.response_body = json.loads(json.dumps(getattr(response, "data", None), default=str))
                record.response_headers = {h: response[h] for h in _STORED_HEADERS if h in response}
                record.save(update_fields=["status_code", "response_body", "response_headers"])
            else:
                record.delete()
        except BaseException:
            self._end(error=True)
            raise
        self._end()
        return response


def idempotency_purge(*, now=None) -> int:
    """Delete the rows past their time to live; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.HOUSING_IDEMPOTENCY_TTL_SECONDS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
