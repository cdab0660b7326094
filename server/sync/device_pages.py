"""Coordinators: the phones that sync in their areas, and revoking one (its next sync wipes it)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.actor import Actor
from server.sync import devices
from server.web import coordinators_only


class DeviceController(Controller):
    """``/devices``: list and revoke."""

    path = "/devices"
    guards = [coordinators_only]

    @get("/")
    async def index(self, request: Request[Actor, str, object]) -> Template:
        """Devices of the volunteers in the coordinator's areas, most recently seen first."""
        context = {
            "devices": await devices.devices_for(request.user),
            "revoked": request.query_params.get("revoked", ""),
        }
        return Template("devices.html", context=context)

    @post("/{device_row_id:int}/revoke", status_code=303)
    async def revoke(
        self, request: Request[Actor, str, object], device_row_id: FromPath[int]
    ) -> Redirect:
        """Revoke a device: its next push or pull answers 410 ``device_revoked``."""
        if not await devices.revoke(request.user, device_row_id):
            raise NotFoundException()
        return Redirect("/devices?revoked=1", status_code=303)
