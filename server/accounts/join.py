"""``/join/<token>`` (the QR code's address) and ``/pin`` (re-login on the same phone).

Both work without a session. A GET only shows a page: link previewers in chat
apps fetch the address, so only the confirming POST uses the token up.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from server.accounts import onboarding
from server.accounts.service import LoginThrottled, start_session
from server.areas.service import Refused
from server.forms import form_of, refusal
from server.settings import Settings
from server.web import SESSION_COOKIE, keep_cookie, safe_next, t

DEVICE_COOKIE = "doorstep_device"
DEVICE_DAYS = 400
"""Browsers cap a cookie's lifetime at about 400 days."""
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _join_page(account: dict[str, Any] | None, error: str = "", status: int = 200) -> Template:
    status = status if account is not None else 410
    return Template(
        "join.html",
        context={"account": account, "error": error},
        status_code=status,
        headers=PRIVATE,
    )


def logged_in(
    settings: Settings, session_token: str, target: str, device_token: str | None = None
) -> Response:
    """A redirect that sets the session cookie (and the phone's device cookie)."""
    response = Redirect(target, status_code=303)
    keep_cookie(response, SESSION_COOKIE, session_token, settings.session_days, settings)
    if device_token is not None:
        keep_cookie(response, DEVICE_COOKIE, device_token, DEVICE_DAYS, settings)
    return response


class JoinController(Controller):
    """QR onboarding and PIN login."""

    opt = {"exclude_from_auth": True}

    @get("/join/{token:str}")
    async def confirm_page(self, token: FromPath[str]) -> Template:
        """Who is about to be logged in, and the PIN form; uses nothing up."""
        return _join_page(await onboarding.peek(token[:100]))

    @post("/join/{token:str}", status_code=303)
    async def confirm(
        self, request: Request, token: FromPath[str], settings: NamedDependency[Settings]
    ) -> Template | Response:
        """Use the token up, keep the PIN for this phone, log in."""
        form = await form_of(request)
        account = await onboarding.peek(token[:100])
        if account is None:
            return _join_page(None)
        pin = form.get("pin", "").strip()
        try:
            onboarding.check_pin(pin, form.get("pin_again", "").strip())
        except Refused as refused:
            return _join_page(account, refusal(request, refused.code, onboarding.MESSAGES), 422)
        joined = await onboarding.redeem(token[:100], pin, settings.session_days)
        if joined is None:
            return _join_page(None)
        return logged_in(settings, joined.session_token, "/", joined.device_token)

    @get("/pin")
    async def pin_page(self, request: Request) -> Template | Redirect:
        """The PIN form of the account this phone joined as (else the password login)."""
        account = await onboarding.pin_account(request.cookies.get(DEVICE_COOKIE))
        if account is None:
            return _forget_device(Redirect("/login", status_code=303))
        return _pin_page(request, account)

    @post("/pin", status_code=303)
    async def pin_login(
        self, request: Request, settings: NamedDependency[Settings]
    ) -> Template | Response:
        """Check the PIN against this phone's, throttled like passwords."""
        form = await form_of(request)
        device = request.cookies.get(DEVICE_COOKIE)
        account = await onboarding.pin_account(device)
        if account is None:
            return _forget_device(Redirect("/login", status_code=303))
        address = request.client.host if request.client else "unknown"
        try:
            account_id = await onboarding.pin_login(
                device,
                form.get("pin", "").strip(),
                address,
                limit=settings.login_attempts,
                window=settings.login_window_seconds,
            )
        except LoginThrottled:
            message = t(request, "Too many failed attempts. Wait a few minutes and try again.")
            return _pin_page(request, account, message, 429)
        except onboarding.PinForgotten:
            return _forget_device(Redirect("/login?pin=forgotten", status_code=303))
        if account_id is None:
            return _pin_page(request, account, t(request, "Wrong PIN."), 401)
        session = await start_session(account_id, settings.session_days)
        return logged_in(settings, session, safe_next(form.get("next")))


def _pin_page(
    request: Request, account: dict[str, Any], error: str = "", status: int = 200
) -> Template:
    context = {
        "account": account,
        "error": error,
        "next": request.query_params.get("next", ""),
    }
    return Template("join_pin.html", context=context, status_code=status, headers=PRIVATE)


def _forget_device(response: Response) -> Response:
    """This phone has no usable PIN (any more): drop its device cookie."""
    response.delete_cookie(DEVICE_COOKIE)
    return response
