from django.core.management.base import BaseCommand

from apps.exports.models import ExportJob
from apps.exports.services import export_job_run, export_sweep


class Command(BaseCommand):
    help = (
        "Hand over background exports left waiting, reclaim stuck ones, remove expired files "
        "(what the exports.sweep task does). --run-here writes the waiting ones in this process "
        "(when the broker is down)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--run-here", action="store_true")

    def handle(self, *args, run_here=False, **options):
        result = export_sweep()
        self.stdout.write(
            f"{result.handed_over} handed over, {result.reclaimed} reclaimed, {result.expired} expired"
        )
        if run_here:
            waiting = ExportJob.objects.filter(status=ExportJob.Status.QUEUED).values_list("pk", flat=True)
            for job_id in list(waiting):
                job = export_job_run(job_id=job_id)
                if job is not None:
                    self.stdout.write(f"export {job.pk}: {job.status}")
