"""For the ``piccolo`` command run from the project folder (e.g. ``piccolo migrations new``)."""

from server.piccolo_conf import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]
