"""Translations from the gettext catalogues in server/locale (zh_CN first, en second)."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("zh_CN", "en")
"""Supported languages, the first being the default."""


@functools.cache
def translations(language: str) -> Translations:
    """The compiled catalogue of ``language``, built from its .po file once per process."""
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet."""
    return message


def gettext(language: str, message: str, **params: object) -> str:
    """``message`` in ``language``, with ``{name}`` placeholders filled from ``params``."""
    text = translations(normalise(language)).gettext(message)
    return text.format(**params) if params else text


def normalise(language: str | None) -> str:
    """Map a language tag (``zh-CN``, ``zh``, ``en-US``) to a supported language."""
    if not language:
        return LANGUAGES[0]
    tag = language.replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en"):
        return "en"
    return LANGUAGES[0]


def from_accept_language(header: str | None, default: str) -> str:
    """The best supported language in an Accept-Language header, else ``default``."""
    if not header:
        return default
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        tag = tag.strip().lower()
        if tag.startswith(("zh", "en")) and quality > 0:
            choices.append((-quality, position, tag))
    if not choices:
        return default
    return normalise(min(choices)[2])
