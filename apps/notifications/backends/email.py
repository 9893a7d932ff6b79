"""E-mail through Django's configured e-mail backend, with errors sorted for retrying."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage

from apps.notifications.backends import PermanentDeliveryError, TransientDeliveryError


def _message_id_domain() -> str:
    # make_msgid() without a domain asks the resolver for this host's name, which can
    # block on a closed network; the sender's own domain is a stable choice.
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("@", 1)[-1].strip(">").strip() or "localhost"


def send_email(*, to: str, subject: str, body: str, reference: str) -> str:
    """Send one plain-text e-mail; return its Message-ID."""
    message_id = make_msgid(idstring=reference.replace("-", "")[:16], domain=_message_id_domain())
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id, "X-Housing-Reference": reference},
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentDeliveryError(
            f"The mail server refused the address: {exc}", code="email_refused"
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise PermanentDeliveryError(
            f"The mail server refused our credentials: {exc}", code="email_auth"
        ) from exc
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TransientDeliveryError(
                f"The mail server answered {exc.smtp_code}: {exc.smtp_error!r}", code="email_busy"
            ) from exc
        raise PermanentDeliveryError(
            f"The mail server answered {exc.smtp_code}: {exc.smtp_error!r}", code="email_rejected"
        ) from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TransientDeliveryError(
            f"The mail server could not be reached: {exc.__class__.__name__}: {exc}", code="email_unreachable"
        ) from exc
    return message_id
