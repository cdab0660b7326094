"""Importing a phone's export (导出待同步数据): the last way out for a broken phone or a
blocked account. A coordinator uploads the file; its entries go through the one ingest
path as the account that made them, so an entry already received is a duplicate."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server import scope
from server.accounts.service import load_actor
from server.accounts.tables import Account
from server.actor import Actor
from server.audit import service as audit
from server.db import write_transaction
from server.entries import import_files
from server.entries import service as entries
from server.entries.prepared import id_of
from server.entries.schemas import EntryResult
from server.i18n import N_, gettext

FORMAT = "doorstep-outbox"
MAX_FILE_BYTES = 48 * 1024 * 1024
"""An export carries its photos and signatures (at most 300 KB each, as base64)."""
BATCH = 500
REFUSALS = {
    "not_an_export": N_("This file is not an export of entries waiting on a phone."),
    "too_large": N_("The file is too large."),
    "unknown_account": N_("The account in this file does not exist or is no longer active."),
    "outside_areas": N_("The account in this file is not in your areas."),
}
"""Why a whole file is refused (stable codes and their messages)."""
OUTSIDE_AREAS = N_("This household is not in your areas.")
"""Why one entry of the file is refused (``out_of_scope``): its household is not the importer's."""


class ImportRefused(Exception):
    """The file as a whole cannot be imported; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def message(self, language: str) -> str:
        """The reason in ``language``."""
        return gettext(language, REFUSALS[self.code])


@dataclass
class ImportedEntry:
    """One entry of the file and what became of it."""

    id: str
    kind: str
    recorded_at: str
    result: EntryResult


@dataclass
class ImportReport:
    """What an import did, entry by entry."""

    account: Actor
    device_id: str
    entries: list[ImportedEntry] = field(default_factory=list)
    files: list[import_files.ImportedFile] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many entries ended with ``status``."""
        return sum(1 for e in self.entries if e.result.status == status)


def parse_export(raw: bytes) -> dict[str, Any]:
    """The export file's content, checked for shape (not for each entry: ingest does that)."""
    if len(raw) > MAX_FILE_BYTES:
        raise ImportRefused("too_large")
    try:
        content = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ImportRefused("not_an_export") from None
    if (
        not isinstance(content, dict)
        or content.get("format") != FORMAT
        or not isinstance(content.get("entries"), list)
        or not isinstance(content.get("files", []), list)
        or id_of(str(content.get("account_id", ""))) is None
    ):
        raise ImportRefused("not_an_export")
    return content


async def may_import_for(coordinator: Actor, account: Actor) -> bool:
    """True when ``coordinator`` looks after ``account`` (admins: everyone; anyone: themself)."""
    if coordinator.id == account.id:
        return True
    row = await Account.select(Account.id, Account.role, Account.team.area.path).where(
        Account.id == account.id
    )
    return bool(row) and scope.looks_after(coordinator, row[0])


async def _outside_areas(
    coordinator: Actor, chunk: list[Any], language: str
) -> dict[int, EntryResult]:
    """The entries of ``chunk`` about households outside ``coordinator``'s areas, refused.

    The account may have been paired beyond them: those entries are another
    coordinator's (or an admin's) to import. Every kind names its household as
    ``data.household_id``; an entry without one is left to the ingest's checks.
    """
    if coordinator.is_admin:
        return {}
    named = {i: _household_of(raw) for i, raw in enumerate(chunk)}
    inside = await scope.households_within_areas(
        coordinator, {h for h in named.values() if h is not None}
    )
    return {
        i: EntryResult(
            id=str(chunk[i].get("id", "")),
            status="rejected",
            code="out_of_scope",
            error=gettext(language, OUTSIDE_AREAS),
        )
        for i, household in named.items()
        if household is not None and household not in inside
    }


def _household_of(raw: Any) -> int | None:
    data = raw.get("data") if isinstance(raw, dict) else None
    value = data.get("household_id") if isinstance(data, dict) else None
    return id_of(value)


async def import_export(
    coordinator: Actor, raw: bytes, language: str, files_root: Path
) -> ImportReport:
    """Ingest an export file as the account it names, exactly once per entry, then keep
    the files its entries list (under ``files_root``, as uploads are)."""
    content = parse_export(raw)
    account = await load_actor(int(content["account_id"]))
    if account is None:
        raise ImportRefused("unknown_account")
    if not await may_import_for(coordinator, account):
        raise ImportRefused("outside_areas")
    device_id = str(content.get("device_id") or "")[:64]
    report = ImportReport(account=account, device_id=device_id)
    raw_entries = content["entries"]
    for start in range(0, len(raw_entries), BATCH):
        chunk = raw_entries[start : start + BATCH]
        refused = await _outside_areas(coordinator, chunk, language)
        ingested = iter(
            await entries.ingest(
                account, [e for i, e in enumerate(chunk) if i not in refused], language, device_id
            )
        )
        results = [refused[i] if i in refused else next(ingested) for i in range(len(chunk))]
        for raw_entry, result in zip(chunk, results, strict=True):
            described = raw_entry if isinstance(raw_entry, dict) else {}
            report.entries.append(
                ImportedEntry(
                    id=result.id,
                    kind=str(described.get("kind", "")),
                    recorded_at=str(described.get("recorded_at", "")),
                    result=result,
                )
            )
    report.files = await import_files.store(
        coordinator, account, files_root, content.get("files", []), language
    )
    summary = {
        "device_id": device_id,
        "entries": len(report.entries),
        **{s: report.count(s) for s in ("accepted", "duplicate", "conflict", "retry", "rejected")},
        "files": sum(f.stored for f in report.files),
        "files_refused": sum(not f.stored for f in report.files),
    }
    async with write_transaction():
        await audit.record(coordinator.id, "sync.import", "account", account.id, after=summary)
    return report
