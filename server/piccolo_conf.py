"""Piccolo's configuration: the engine comes from DATABASE_URL, the tables from server."""

from piccolo.conf.apps import AppRegistry

from server.db import make_engine
from server.settings import Settings

DB = make_engine(Settings.from_env())

APP_REGISTRY = AppRegistry(apps=["server.piccolo_app"])
