"""Who may manage what: coordinators their areas (everything under them), admins everything."""

from __future__ import annotations

from server.actor import Actor


def covers(actor: Actor, path: str | None) -> bool:
    """True when the area at ``path`` lies within ``actor``'s areas."""
    if actor.is_admin:
        return True
    if actor.role != "coordinator" or not path:
        return False
    return any(path.startswith(own) for own in actor.area_paths)
