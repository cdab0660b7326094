"""管理 › 账号: creating volunteers, resetting passwords, leaders, deactivating, QR codes."""

from __future__ import annotations

from typing import Any

import segno
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.accounts import details, management, onboarding
from server.activities import members
from server.actor import Actor
from server.areas import service as areas
from server.areas.service import NotFound, Refused
from server.forms import done, form_of, int_or_none, refusal
from server.scope import paired_household_ids
from server.web import coordinators_only, public_origin

AnyRequest = Request[Actor, str, Any]
CATALOGUES = (management.MESSAGES, onboarding.MESSAGES, areas.MESSAGES, details.MESSAGES)


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URI (an <img>, so the CSP needs nothing inline)."""
    return segno.make(url, error="m").svg_data_uri(scale=8, border=4, light="#fff")


class AccountAdminController(Controller):
    """``/admin/accounts``."""

    path = "/admin/accounts"
    guards = [coordinators_only]

    async def _list(
        self,
        request: AnyRequest,
        values: dict[str, str] | None = None,
        error: str = "",
        status: int = 200,
    ) -> Template:
        actor = request.user
        every = await areas.areas(actor)
        context = {
            "accounts": await management.accounts_within_reach(actor),
            "teams": [t for t in await areas.teams(actor) if not t["retired"]],
            "areas": [a for a in every if not a["retired"]],
            "values": values or {"team": request.query_params.get("team", "")},
            "error": error,
        }
        return Template("admin_accounts.html", context=context, status_code=status)

    async def _detail(
        self, request: AnyRequest, account_id: int, error: str = "", status: int = 200
    ) -> Template:
        try:
            account = await management.account(request.user, account_id)
        except NotFound:
            raise NotFoundException() from None
        context = {
            "account": account,
            "paired": len(await paired_household_ids(account_id)),
            "id_number": details.mask(account["id_number"]),
            "sexes": details.SEXES,
            "error": error,
        }
        return Template("admin_account.html", context=context, status_code=status)

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        """Accounts within reach and the form to create a volunteer."""
        return await self._list(request)

    @post("/", status_code=303)
    async def create(self, request: AnyRequest) -> Template | Redirect:
        """Create an account (a volunteer, unless an admin chose otherwise)."""
        form = await form_of(request)
        try:
            account_id = await members.create(
                request.user,
                username=form.get("username", ""),
                display_name=form.get("display_name", ""),
                team_id=int_or_none(form.get("team")),
                role=form.get("role", "volunteer"),
                phone=form.get("phone", ""),
                password=form.get("password", ""),
                area_id=int_or_none(form.get("area")),
            )
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            form.pop("password", None)
            message = refusal(request, refused.code, *CATALOGUES)
            return await self._list(request, form, message, 422)
        return done(f"/admin/accounts/{account_id}")

    @get("/{account_id:int}")
    async def show(self, request: AnyRequest, account_id: FromPath[int]) -> Template:
        """One account: password, leader, QR code, deactivation."""
        return await self._detail(request, account_id)

    async def _change(
        self, request: AnyRequest, account_id: int, change: Any
    ) -> Template | Redirect:
        try:
            await change()
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            message = refusal(request, refused.code, *CATALOGUES)
            return await self._detail(request, account_id, message, 422)
        return done(f"/admin/accounts/{account_id}")

    @post("/{account_id:int}/password", status_code=303)
    async def password(self, request: AnyRequest, account_id: FromPath[int]) -> Template | Redirect:
        """Set a new password (tell it to the person; they log in with it)."""
        password = (await form_of(request)).get("password", "")
        return await self._change(
            request,
            account_id,
            lambda: management.reset_password(request.user, account_id, password),
        )

    @post("/{account_id:int}/leader", status_code=303)
    async def leader(self, request: AnyRequest, account_id: FromPath[int]) -> Template | Redirect:
        """Make the volunteer a team leader, or a volunteer again."""
        leader = (await form_of(request)).get("leader") == "1"
        return await self._change(
            request, account_id, lambda: members.set_leader(request.user, account_id, leader)
        )

    @post("/{account_id:int}/details", status_code=303)
    async def record_details(
        self, request: AnyRequest, account_id: FromPath[int]
    ) -> Template | Redirect:
        """Sex, birth date and ID number, as a service record names them (an empty ID
        number field keeps the one recorded; ``clear_id`` removes it)."""
        form = await form_of(request)
        number = form.get("id_number", "").strip()
        kept = None if not number and form.get("clear_id") != "1" else number
        return await self._change(
            request,
            account_id,
            lambda: details.set_details(
                request.user, account_id, form.get("sex", ""), form.get("birth_date", ""), kept
            ),
        )

    @post("/{account_id:int}/deactivate", status_code=303)
    async def deactivate(
        self, request: AnyRequest, account_id: FromPath[int]
    ) -> Template | Redirect:
        """Stop the account now: it is logged out everywhere and cannot log in."""
        return await self._change(
            request, account_id, lambda: management.deactivate(request.user, account_id)
        )

    @post("/{account_id:int}/reactivate", status_code=303)
    async def reactivate(
        self, request: AnyRequest, account_id: FromPath[int]
    ) -> Template | Redirect:
        """Let the account log in again."""
        return await self._change(
            request, account_id, lambda: members.reactivate(request.user, account_id)
        )

    @post("/{account_id:int}/join", status_code=200)
    async def join_code(self, request: AnyRequest, account_id: FromPath[int]) -> Template:
        """A one-time QR code that logs this account in on the phone that scans it."""
        try:
            account = await management.account(request.user, account_id)
            token, expires_at = await onboarding.issue(request.user, account_id)
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            return await self._detail(
                request, account_id, refusal(request, refused.code, *CATALOGUES), 422
            )
        url = f"{public_origin(request)}/join/{token}"
        context = {
            "account": account,
            "url": url,
            "qr": qr_data_uri(url),
            "expires_at": expires_at,
            "minutes": onboarding.JOIN_MINUTES,
        }
        response = Template("admin_join_qr.html", context=context)
        response.headers["Cache-Control"] = "no-store"
        return response
