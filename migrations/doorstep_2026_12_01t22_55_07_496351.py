from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T22:55:07:496351"
VERSION = "1.38.0"
DESCRIPTION = "Open follow-ups for the urgent needs and follow-up flags already stored"

NEED_AREAS = ("health", "training", "livelihood", "work_school")


class Raw(Table):
    """Only for running SQL inside the migration's transaction."""


def _open(area: str, asks: str, note: str) -> str:
    # One item per household and area, reported by its first visit that asks for it.
    first = (
        "SELECT w.id FROM visit w WHERE w.household = v.household AND "
        f"{asks.replace('v.', 'w.')} AND NOT w.voided ORDER BY w.visited_at, w.id LIMIT 1"
    )
    return (
        "INSERT INTO follow_up (household, area, note, opened_by, reported_by, reported_at, "
        "status, assignee, partner, proposed_by, proposed_at, closed_by, closed_at, outcome, "
        f"created_at) SELECT v.household, '{area}', v.{note}, v.entry, v.volunteer, "
        "v.visited_at, 'open', NULL, '', NULL, NULL, NULL, NULL, '', v.visited_at "
        f"FROM visit v WHERE {asks} AND NOT v.voided AND v.id = ({first})"
    )


def _propose(area: str) -> str:
    # The latest visit recording the area as resolved after its last urgent report.
    resolving = (
        "FROM visit w WHERE w.household = follow_up.household "
        f"AND w.{area}_level = 'none' AND NOT w.voided AND w.visited_at > ("
        "SELECT MAX(u.visited_at) FROM visit u WHERE u.household = follow_up.household "
        f"AND u.{area}_level = 'urgent' AND NOT u.voided) ORDER BY w.visited_at DESC LIMIT 1"
    )
    return (
        f"UPDATE follow_up SET proposed_by = (SELECT w.entry {resolving}), "
        f"proposed_at = (SELECT w.visited_at {resolving}) WHERE area = '{area}'"
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="doorstep", description=DESCRIPTION)

    async def backfill():
        for area in NEED_AREAS:
            await Raw.raw(_open(area, f"v.{area}_level = 'urgent'", f"{area}_note"))
            await Raw.raw(_propose(area))
        await Raw.raw(_open("follow_up", "v.follow_up", "follow_up_note"))

    manager.add_raw(backfill)

    return manager
