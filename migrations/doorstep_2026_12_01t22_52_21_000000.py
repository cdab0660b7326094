from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-01T22:52:21:000000"
VERSION = "1.38.0"
DESCRIPTION = "one standing per volunteer and activity"

# Piccolo columns cannot declare indexes over several columns.
INDEXES = [
    "CREATE UNIQUE INDEX IF NOT EXISTS activity_seat_volunteer"
    " ON activity_seat (activity, volunteer)",
]


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="doorstep", description=DESCRIPTION
    )

    async def run():
        engine = engine_finder()
        for statement in INDEXES:
            await engine.run_ddl(statement)

    manager.add_raw(run)

    return manager
