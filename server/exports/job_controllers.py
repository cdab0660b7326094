"""导出进度: the page of a background export (its progress, then its download).

Only the account that asked sees the job or downloads its file; anyone else is refused
(403). The export was audited when it was asked for, so the download adds no audit row.
"""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import File, Template

from server.actor import Actor
from server.exports import jobs
from server.exports.responses import XLSX
from server.i18n import N_
from server.settings import Settings

ERRORS = {
    "interrupted": N_("The export was interrupted (the server restarted). Export it again."),
    "not_allowed": N_("Your account may no longer export this."),
    "export_failed": N_("The export could not be written. Export it again."),
}
"""Why a job failed, by its stable code (anything else: ``export_failed``)."""
TITLES = {
    "review": N_("Review entries"),
    "followups": N_("Follow-ups"),
    "coverage": N_("Coverage"),
    "coverage_households": N_("Not visited"),
    "phones": N_("Phones holding unsynced entries"),
    "report": N_("Reports"),
    "hours": N_("Volunteer service hours"),
    "audit": N_("Audit log"),
}


async def _own(request: Request[Actor, str, object], job_id: int) -> dict:
    job = await jobs.find(job_id)
    if job is None:
        raise NotFoundException()
    if job["account"] != request.user.id:
        raise PermissionDeniedException()
    return job


class ExportJobController(Controller):
    """A background export's progress page and its file."""

    path = "/exports/jobs"

    @get("/{job_id:int}")
    async def show(self, request: Request[Actor, str, object], job_id: FromPath[int]) -> Template:
        """Rows written so far (htmx asks again every 2 s until it is done), then 下载."""
        job = await _own(request, job_id)
        context = {
            "job": job,
            "title": TITLES.get(job["what"], job["what"]),
            "error": ERRORS.get(job["error"] or "", ERRORS["export_failed"]),
        }
        name = "_export_job.html" if request.headers.get("hx-request") else "export_job.html"
        return Template(name, context=context)

    @get("/{job_id:int}/file")
    async def download(self, request: Request[Actor, str, object], job_id: FromPath[int]) -> File:
        """The finished workbook (kept for a day)."""
        job = await _own(request, job_id)
        if job["status"] != "done" or not job["file_path"]:
            raise NotFoundException()
        settings: Settings = request.app.state.settings
        made = job["finished_at"] or dt.datetime.now(dt.UTC)
        return File(
            settings.data_dir / job["file_path"],
            filename=f"{job['what']}-{made.strftime('%Y%m%d-%H%M%S')}.xlsx",
            media_type=XLSX,
        )
