"""The bell when a background export is ready (the ``exports.ready`` staff event)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Audience, Channel
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register
from apps.notifications.services import notification_queue

EXPORT_READY = register(
    Event(
        key="exports.ready",
        label=_("Export ready"),
        description=_("Tells a member of staff that the list they exported can be downloaded."),
        audience=Audience.STAFF,
        channels=(Channel.IN_APP,),
        link_placeholder="exports_url",
        placeholders=(
            Placeholder("list_title", _("List"), "الطلبات"),
            Placeholder("rows", _("Rows"), 12000),
            Placeholder("exports_url", _("Link to your exports"), "https://contact.housing.gov.bh/exports/"),
        ),
        defaults={
            (Channel.IN_APP, "ar"): DefaultTemplate(
                subject="التصدير جاهز: {{ list_title }}",
                body="{{ rows }} صفًا، جاهزة للتنزيل من صفحة تصديراتك.",
            ),
            (Channel.IN_APP, "en"): DefaultTemplate(
                subject="Export ready: {{ list_title }}",
                body="{{ rows }} rows, ready to download from your exports page.",
            ),
        },
    )
)


def export_ready(job) -> None:
    from apps.exports import registry

    export_list = registry.get(job.list_key)
    notification_queue(
        event="exports.ready",
        recipient_user=job.owner,
        context={
            "list_title": str(export_list.title) if export_list else job.list_key,
            "rows": job.rows or 0,
            "exports_url": settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + reverse("exports:list"),
        },
        language=job.language,
        actor=None,
    )
