"""Export pages: export a list (streamed, or queued when long), my exports, download."""

from __future__ import annotations

import os

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.core.errors import ApplicationError
from apps.core.views import render_error
from apps.exports import registry, selectors, services, writers
from apps.exports.models import ExportJob

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_name(list_key: str, fmt: str) -> str:
    return f"{list_key}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


@login_required
@require_GET
def export(request, list_key: str, fmt: str):
    """The list as filtered on its page (the same query string), as CSV or XLSX.

    Short lists are written in this request and logged; long ones become a background job
    and the person is taken to their exports page.
    """
    try:
        plan = services.export_plan(actor=request.user, list_key=list_key, params=request.GET, format=fmt)
    except ApplicationError as error:
        return render_error(request, error)
    if plan.background:
        job = services.export_job_queue(plan=plan, actor=request.user)
        return redirect(f"{reverse('exports:list')}?queued={job.pk}")
    return written_now(plan, request.user)


def written_now(plan, user):
    """The export written in this request (logged first, its rows counted at the end):
    CSV streamed line by line, XLSX written to a temporary file and sent from it."""
    list_key, fmt = plan.export_list.key, plan.format
    job = services.export_log(plan=plan, actor=user)
    if fmt == ExportJob.Format.CSV:
        response = StreamingHttpResponse(_streamed_csv(plan, job, user), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{_file_name(list_key, fmt)}"'
        return response
    path = writers.temporary_path(".xlsx")
    try:
        count = writers.write_xlsx(
            path,
            plan.export_list,
            plan.queryset,
            viewer=user,
            personal=plan.personal,
            language=job.language,
        )
        services.export_finish(job_id=job.pk, rows=count)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        # The open handle keeps the file readable; its name goes at once.
        os.unlink(path)
    return FileResponse(
        handle, as_attachment=True, filename=_file_name(list_key, fmt), content_type=CONTENT_TYPES["xlsx"]
    )


def _streamed_csv(plan, job, viewer):
    # The body is produced after the view returned (and the middleware with it): the
    # headers' language is set here again.
    counter = [0]
    with translation.override(job.language):
        yield from writers.csv_lines(
            plan.export_list, plan.queryset, viewer=viewer, personal=plan.personal, counter=counter
        )
    services.export_finish(job_id=job.pk, rows=counter[0])


@login_required
@require_GET
def export_jobs(request):
    jobs = selectors.jobs_for(owner=request.user)
    for job in jobs:
        export_list = registry.get(job.list_key)
        job.list_title = export_list.title if export_list else job.list_key
    queued = next((job.pk for job in jobs if str(job.pk) == request.GET.get("queued")), None)
    return render(
        request,
        "exports/list.html",
        {
            "title": _("My exports"),
            "jobs": jobs,
            "queued": queued,
            "personal_allowed": services.may_export_personal_data(request.user),
        },
    )


@login_required
@require_GET
def export_download(request, pk: int):
    job, path = selectors.file_for_download(viewer=request.user, job_id=pk)
    if job is None:
        raise Http404
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=_file_name(job.list_key, job.format),
        content_type=CONTENT_TYPES[job.format],
    )
