from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T02:33:33:357141"
VERSION = "1.38.0"
DESCRIPTION = "visits by household and time, for coverage"

# Piccolo columns cannot declare indexes over several columns. Coverage asks, for each
# household, whether it has a visit since a time: one index range, not every visit of it.
INDEXES = [
    "CREATE INDEX IF NOT EXISTS visit_household_visited_at ON visit (household, visited_at)",
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
