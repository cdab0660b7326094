"""Logging in and out."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from server.accounts import service
from server.settings import Settings
from server.web import SESSION_COOKIE, keep_cookie, safe_next, t


def _login_page(request: Request, error: str = "", username: str = "", status: int = 200):
    return Template(
        "login.html",
        context={"error": error, "username": username, "next": request.query_params.get("next")},
        status_code=status,
    )


class LoginController(Controller):
    """``/login`` and ``/logout``."""

    @get("/login")
    async def form(self, request: Request) -> Template:
        """The login page."""
        return _login_page(request)

    @post("/login", status_code=303)
    async def login(
        self, request: Request, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """Check the password, start a session, go where the user was going."""
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        address = request.client.host if request.client else "unknown"
        try:
            account_id = await service.authenticate(
                username,
                password,
                address,
                limit=settings.login_attempts,
                window=settings.login_window_seconds,
            )
        except service.LoginThrottled:
            message = t(request, "Too many failed attempts. Wait a few minutes and try again.")
            return _login_page(request, message, username, status=429)
        if account_id is None:
            message = t(request, "Wrong user name or password.")
            return _login_page(request, message, username, status=401)
        token = await service.start_session(account_id, settings.session_days)
        response = Redirect(safe_next(str(form.get("next") or "")), status_code=303)
        keep_cookie(response, SESSION_COOKIE, token, settings.session_days, settings)
        return response

    @post("/logout", status_code=303)
    async def logout(self, request: Request) -> Redirect:
        """End the session on the server and forget the cookie."""
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await service.end_session(token)
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response
