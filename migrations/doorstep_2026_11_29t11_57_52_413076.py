from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T11:57:52:413076"
VERSION = "1.38.0"
DESCRIPTION = "indexes of the sync change log"

# Piccolo columns cannot declare indexes over several columns; these keep a pull's
# cost proportional to one volunteer's rows, whatever the size of the log.
INDEXES = [
    "CREATE UNIQUE INDEX IF NOT EXISTS sync_change_object"
    " ON sync_change (volunteer, kind, object_id)",
    "CREATE INDEX IF NOT EXISTS sync_change_volunteer_seq ON sync_change (volunteer, seq)",
    "CREATE INDEX IF NOT EXISTS sync_change_volunteer_household"
    " ON sync_change (volunteer, household)",
    "CREATE INDEX IF NOT EXISTS household_version_household_version"
    " ON household_version (household, version)",
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
