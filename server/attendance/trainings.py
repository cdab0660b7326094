"""First-aid training totals (应急救护培训): per category, 人 (distinct people) and 人次,
from the stored ``training_count`` rows (the latest entry of each correction chain)."""

from __future__ import annotations

from typing import Any

from server.entries import chains
from server.entries.kinds.training_count import CATEGORIES, TrainingCount, TrainingTrainee


async def totals(activity_ids: list[int]) -> dict[str, dict[str, int]]:
    """``{category: {people, person_times, passed}}`` over the activities given. A person is
    a name with its phone; a headcount adds its number to both (a crowd has no names)."""
    ids = activity_ids or [-1]
    result = {c: {"people": 0, "person_times": 0, "passed": 0} for c in CATEGORIES}
    trainees = await TrainingTrainee.select(
        TrainingTrainee.category,
        TrainingTrainee.name,
        TrainingTrainee.phone,
        TrainingTrainee.certificate,
    ).where(TrainingTrainee.activity.is_in(ids) & chains.latest(TrainingTrainee.entry))
    people: dict[str, set[tuple[str, str]]] = {c: set() for c in CATEGORIES}
    for row in trainees:
        result[row["category"]]["person_times"] += 1
        result[row["category"]]["passed"] += row["certificate"] == "passed"
        people[row["category"]].add((row["name"], row["phone"]))
    crowds: list[dict[str, Any]] = await TrainingCount.select(
        TrainingCount.category, TrainingCount.headcount
    ).where(TrainingCount.activity.is_in(ids) & chains.latest(TrainingCount.entry))
    for row in crowds:
        result[row["category"]]["person_times"] += row["headcount"]
        result[row["category"]]["people"] += row["headcount"]
    for category, named in people.items():
        result[category]["people"] += len(named)
    return result
