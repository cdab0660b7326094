"""What a failed request answers: a page in the app's look for people, JSON under /api/.

An unhandled exception is logged here, once, with its traceback; a 4xx is the
client's mistake (an old link, a wrong method) and is not logged.
"""

from __future__ import annotations

import logging

import asyncpg
from litestar import Request
from litestar.exceptions import HTTPException
from litestar.exceptions.responses import create_exception_response
from litestar.response import Response, Template

from server.i18n import N_, gettext
from server.web import language_of

LOG = logging.getLogger("doorstep.errors")
PAGES = {
    403: (N_("Not allowed"), N_("This request was refused. Reload the page and try again.")),
    404: (
        N_("Page not found"),
        N_("This page does not exist or is not yours to see. Check the address or go back."),
    ),
    405: (N_("Not possible here"), N_("This address does not take that kind of request.")),
    500: (
        N_("Something went wrong"),
        N_("The server could not answer. What you saved on the phone is kept; try again later."),
    ),
}
"""The title and the sentence of each error page."""
OTHER = (N_("The request could not be handled"), N_("Check what you entered and try again."))
"""Any other 4xx (a malformed form, a body too large)."""


def _is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def _page(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    title, text = PAGES.get(status) or (PAGES[500] if status >= 500 else OTHER)
    return Template(
        "error.html",
        context={"status": status, "title": title, "text": text},
        status_code=status,
        headers=headers,
    )


def http_error(request: Request, error: HTTPException) -> Response:
    """An HTTP error the app or Litestar raised: Litestar's JSON for the API, else a page."""
    if error.status_code >= 500:
        LOG.error("%s %s failed", request.method, request.url.path, exc_info=error)
    if _is_api(request):
        return create_exception_response(request, error)
    return _page(request, error.status_code, error.headers)


BAD_INPUT = {
    "out_of_range": N_("A number in this request is beyond what can be stored."),
    "bad_text": N_("This request contains a character that cannot be stored (NUL)."),
    "too_deep": N_("The request is nested too deeply."),
}
"""Input the database (or Python) could not take, by stable code: the client's mistake."""


def bad_input(error: Exception) -> str | None:
    """The ``BAD_INPUT`` code of an error hostile input caused, else None.

    An id beyond 64 bits in a path overflows SQLite's binding and beyond 32 bits
    PostgreSQL's; PostgreSQL refuses NUL in text. Whatever route it reaches, the
    statement fails before anything is stored and the transaction rolls back.
    """
    if isinstance(error, OverflowError):
        return "out_of_range"
    if isinstance(error, RecursionError):
        return "too_deep"
    if isinstance(error, asyncpg.exceptions.DataError):
        text = str(error)
        return "bad_text" if "0x00" in text or "\\x00" in text else "out_of_range"
    return None


def server_error(request: Request, error: Exception) -> Response:
    """An exception nothing handled: logged once with its traceback, then a 500.

    Input the database could not take (``bad_input``) is a 400 with its code instead.
    """
    code = bad_input(error)
    if code is not None:
        if _is_api(request):
            body = {"code": code, "error": gettext(language_of(request), BAD_INPUT[code])}
            return Response(body, status_code=400)
        return _page(request, 400)
    LOG.error("%s %s failed", request.method, request.url.path, exc_info=error)
    if _is_api(request):
        return create_exception_response(request, error)
    return _page(request, 500)
