"""A form's problems as the messages its fields show: the entry forms without scripts (送药,
物资, 购买, 培训学员) name problems of their own and their kind's, field by field."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from server.entries import service
from server.entries.prepared import Problem
from server.i18n import gettext


def texts(
    language: str,
    problems: Iterable[Problem],
    own: Mapping[str, str],
    slot: Callable[[str], str],
) -> dict[str, str]:
    """``{field: message}``, the first problem of each field (``form`` when it names none):
    ``own`` messages for the form's codes, the ingest path's for the kind's; ``slot`` turns
    a field of the data (``items[1].quantity``) into the form's (``items.1.quantity``)."""
    errors: dict[str, str] = {}
    for problem in problems:
        if problem.code in own:
            text = gettext(language, own[problem.code])
        else:
            text = service.message(language, problem.code, field=problem.field)
        errors.setdefault(slot(problem.field) if problem.field else "form", text)
    return errors
