"""Who may manage what: coordinators their areas (everything under them), admins everything."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

from server.accounts.service import Actor


def covers(actor: Actor, path: str | None) -> bool:
    """True when the area at ``path`` lies within ``actor``'s areas."""
    if actor.is_admin:
        return True
    if actor.role != "coordinator" or not path:
        return False
    return any(path.startswith(own) for own in actor.area_paths)


def managers_only(connection: ASGIConnection[Any, Actor, Any, Any], _: BaseRouteHandler) -> None:
    """A guard for the 管理 pages: anyone but a coordinator or an admin gets 404."""
    user = connection.scope.get("user")
    if user is None or not user.is_coordinator:
        raise NotFoundException()
