"""Staff pages for tickets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from apps.core.errors import NotFound
from apps.tickets import selectors


@login_required
@require_GET
def attachment_download(request, pk: int):
    """A ticket's file, to staff who may see the ticket; nobody else, by no other path."""
    try:
        attachment = selectors.attachment_for_download(viewer=request.user, attachment_id=pk)
    except NotFound:
        raise Http404 from None
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
