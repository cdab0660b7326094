"""What the flags of a stored entry say to a coordinator, in words rather than codes.

``Entry.flag`` keeps stable codes joined by commas, set by the kinds when an entry is
stored (``pairing_ended``, a check-in's ``outside_window`` ...), and a household edit that
raced another is stored with the status ``conflict``. The review lists, an entry's page and
the exports show them through ``labels``, in the reader's language.
"""

from __future__ import annotations

from server.entries.chains import REFUSED
from server.entries.kinds.attendance_mark import FLAGS as MARK_FLAGS
from server.i18n import N_

LABELS = {
    "pairing_ended": N_("the pairing had ended"),
    "waiting_list": N_("on the waiting list"),
    "conflict_soft": N_("an edit raced another (other fields)"),
    "conflict_hard": N_("an edit raced another (the same field)"),
    REFUSED: N_("the correction was not applied"),
    **MARK_FLAGS,
}
"""Each flag code's words (msgids)."""
CONFLICT = N_("a conflicting edit")
"""What a ``conflict`` status says when no flag names the conflict."""


def labels(flag: str, status: str = "") -> list[str]:
    """The msgids of what ``flag`` (codes joined by commas) and ``status`` say; a code
    this module does not know is kept as it is, so nothing flagged ever reads as unflagged."""
    codes = [code for code in flag.split(",") if code]
    found = [LABELS.get(code, code) for code in codes]
    if status == "conflict" and not any(code.startswith("conflict") for code in codes):
        found.append(CONFLICT)
    return found


STATUSES = {
    "accepted": N_("stored"),
    "duplicate": N_("sent again, already stored"),
    "conflict": N_("stored, with a conflicting edit"),
    "retry": N_("not stored yet, to be sent again"),
    "rejected": N_("refused"),
}
"""What each result of a push says about an entry (msgids): an entry's status, and the
status of each time it was sent."""
