"""Wires the app: settings, database, templates, static files, CSRF, sessions, routes."""

from __future__ import annotations

from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from piccolo.utils.sync import run_sync

from server import __version__, db, errors, protocol, schema_page, web
from server.accounts.admin_controllers import AccountAdminController
from server.accounts.controllers import LoginController
from server.accounts.join import JoinController
from server.activities.controllers import ActivityController
from server.areas.controllers import AdminHomeController, AreaAdminController, TeamAdminController
from server.attachments.controllers import AttachmentController
from server.attendance.controllers import (
    AttendanceController,
    CheckinController,
    HoursController,
)
from server.attendance.training_controllers import TrainingController
from server.audit.controllers import AuditController
from server.catalogues.controllers import CatalogueController
from server.conflicts.controllers import ConflictController
from server.coverage.controllers import CoverageController
from server.entries.controllers import VisitController
from server.entries.delivery_controllers import DeliveryController, GroupHandoutController
from server.exports.controllers import ListExportController
from server.exports.job_controllers import ExportJobController
from server.exports.report_controllers import ReportController
from server.exports.worker import ExportWorker
from server.followups.controllers import FollowUpController
from server.households.controllers import HouseholdController, HouseholdEditController
from server.notices.controllers import InboxController, NoticeAdminController
from server.notify.controllers import NotifySettingsController, PushApiController
from server.notify.worker import Worker
from server.pages import static_files
from server.pages.controllers import STATIC_DIR, PlatformController
from server.pairings.controllers import PairingController
from server.records.controllers import RecordsController
from server.reports.controllers import DashboardController
from server.review.controllers import ReviewController
from server.rosters.controllers import RosterController
from server.settings import ROOT, Settings
from server.sync.controllers import SyncController
from server.sync.device_pages import DeviceController
from server.sync.pages import SyncPageController
from server.sync.pull import PullController
from server.system import service as system
from server.vendor_htmx import vendor_dir


def create_app(settings: Settings | None = None) -> protocol.App:
    """The Litestar app for ``settings`` (read from the environment when omitted)."""
    settings = settings or Settings.from_env()
    secret = settings.secret_key or run_sync(system.secret_key())

    def configure(engine: JinjaTemplateEngine) -> None:
        engine.engine.globals.update(web.template_globals(settings))

    worker = Worker(settings)
    exporter = ExportWorker(settings)
    templates = TemplateConfig(
        directory=ROOT / "web" / "templates",
        engine=JinjaTemplateEngine,
        engine_callback=configure,
    )
    app = protocol.App(
        route_handlers=[
            LoginController,
            HouseholdController,
            ConflictController,
            FollowUpController,
            CoverageController,
            DashboardController,
            ReviewController,
            AuditController,
            ListExportController,
            ReportController,
            ExportJobController,
            HouseholdEditController,
            VisitController,
            DeliveryController,
            GroupHandoutController,
            RecordsController,
            PlatformController,
            SyncController,
            AttachmentController,
            PullController,
            DeviceController,
            SyncPageController,
            AdminHomeController,
            AreaAdminController,
            TeamAdminController,
            AccountAdminController,
            JoinController,
            RosterController,
            CatalogueController,
            PairingController,
            ActivityController,
            NotifySettingsController,
            InboxController,
            NoticeAdminController,
            PushApiController,
            AttendanceController,
            CheckinController,
            HoursController,
            TrainingController,
            create_static_files_router(path="/static", directories=[STATIC_DIR]),
            create_static_files_router(path="/vendor", directories=[vendor_dir(settings)]),
        ],
        dependencies={"settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False)},
        middleware=[DefineMiddleware(web.SessionAuthentication, exclude=web.PUBLIC_PATHS)],
        csrf_config=CSRFConfig(
            secret=secret,
            cookie_secure=settings.secure_cookies,
            exclude=web.CSRF_EXEMPT,
        ),
        exception_handlers={
            NotAuthorizedException: web.unauthorised,
            HTTPException: errors.http_error,
            Exception: errors.server_error,
        },
        template_config=templates,
        plugins=[HTMXPlugin()],
        before_send=[
            protocol.add_headers(protocol.security_headers(web.content_security_policy(settings))),
            static_files.cache_headers,
        ],
        # Icons and attachments are PNG or JPEG already; everything else (HTML, JSON,
        # scripts, styles) shrinks.
        compression_config=CompressionConfig(
            backend="brotli",
            brotli_gzip_fallback=True,
            exclude=["^/static/icons/", "^/api/sync/attachments/"],
        ),
        # server.errors logs what went wrong, once; Litestar would log every 404 as well.
        logging_config=LoggingConfig(log_exceptions="never"),
        openapi_config=OpenAPIConfig(
            title="Doorstep",
            version=__version__,
            path="/schema",
            render_plugins=schema_page.render_plugins(),
        ),
        on_startup=[db.open_connections, worker.start, exporter.start],
        on_shutdown=[exporter.stop, worker.stop, db.close_connections],
    )
    app.state.settings = settings
    return app
