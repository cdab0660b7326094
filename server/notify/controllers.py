"""通知设置 (turning push on and off per device, SMS on or off), and the subscription API
the page and the service worker call."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response, Template

from server.actor import Actor
from server.forms import form_of
from server.notices import service as notices
from server.notify import service, sms, vapid
from server.settings import Settings
from server.sync.controllers import cross_site
from server.sync.refusals import refuse

AnyRequest = Request[Actor, str, Any]


class NotifySettingsController(Controller):
    """``/inbox/settings``."""

    path = "/inbox/settings"

    @get("/")
    async def page(self, request: AnyRequest) -> Template:
        """Push on this device (the page script asks for permission only on a tap), and SMS."""
        settings: Settings = request.app.state.settings
        context = {
            "public_key": (await vapid.keys()).public_key,
            "sms_configured": sms.configured(settings),
            "sms_on": await sms.opted_in(request.user.id),
            "phone": await notices.phone_of(request.user.id),
            "saved": request.query_params.get("saved", ""),
        }
        return Template("notify_settings.html", context=context)

    @post("/sms", status_code=303)
    async def set_sms(self, request: AnyRequest) -> Redirect:
        """SMS for urgent notices and cancellations: on or off."""
        form = await form_of(request)
        await sms.set_opt_in(request.user.id, form.get("sms") == "on")
        return Redirect("/inbox/settings?saved=1", status_code=303)


class PushApiController(Controller):
    """``/api/push/subscriptions``: same origin only, JSON (the worker calls it too)."""

    path = "/api/push"
    tags = ["push"]

    async def _decode(self, request: AnyRequest, kind: type) -> Any:
        try:
            return msgspec.json.decode(await request.body(), type=kind)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None

    @post("/subscriptions", status_code=201, summary="Keep this device's push subscription")
    async def subscribe(self, request: AnyRequest) -> Response:
        """``PushSubscription.toJSON()`` plus ``device_id`` (and ``replaces``, the old
        endpoint, after ``pushsubscriptionchange``)."""
        if cross_site(request, request.app.state.settings):
            return refuse(request, 403, "cross_site")
        found = await self._decode(request, service.SubscriptionIn)
        if found is None or not service.usable_endpoint(found.endpoint):
            return refuse(request, 400, "bad_request")
        await service.subscribe(request.user.id, found)
        return Response({"status": "subscribed"}, status_code=201)

    @post("/subscriptions/delete", status_code=200, summary="Forget a push subscription")
    async def unsubscribe(self, request: AnyRequest) -> Response:
        """``{"endpoint"}``: this device gets no more push notifications."""
        if cross_site(request, request.app.state.settings):
            return refuse(request, 403, "cross_site")
        found = await self._decode(request, service.SubscriptionOut)
        if found is None:
            return refuse(request, 400, "bad_request")
        await service.unsubscribe(request.user.id, found.endpoint)
        return Response({"status": "unsubscribed"}, status_code=200)
