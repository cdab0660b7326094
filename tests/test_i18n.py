"""Every message a person reads comes from the catalogue, in Chinese first."""

from __future__ import annotations

from collections import Counter

from babel.messages.pofile import read_po

from scripts.update_catalogues import extract
from tests.support import ROOT


def _extracted() -> set[str]:
    with open(extract(), "rb") as f:
        return {m.id for m in read_po(f) if m.id}


def _catalogue(language: str) -> dict[str, str]:
    path = ROOT / "server" / "locale" / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        return {m.id: m.string for m in read_po(f, locale=language) if m.id}


def test_every_message_in_the_code_has_a_chinese_translation():
    chinese = _catalogue("zh_CN")
    missing = sorted(m for m in _extracted() if not chinese.get(m))
    assert missing == []


def test_the_english_catalogue_knows_every_message():
    assert _extracted() <= set(_catalogue("en"))


def test_placeholders_survive_translation():
    import re

    for message, translation in _catalogue("zh_CN").items():
        assert set(re.findall(r"{\w+}", message)) == set(re.findall(r"{\w+}", translation)), message


def test_the_chinese_table_names_each_message_once():
    # scripts/translate_zh.py keeps the last row of a message: an earlier one is dead text.
    table = ROOT / "server" / "locale" / "zh_CN.tsv"
    ids = Counter(line.split("\t", 1)[0] for line in table.read_text().splitlines() if "\t" in line)
    assert sorted(i for i, n in ids.items() if n > 1) == []


def test_accept_language_picks_the_best_supported_language():
    from server.i18n import from_accept_language

    assert from_accept_language("en-GB,en;q=0.9,zh-CN;q=0.8", "zh_CN") == "en"
    assert from_accept_language("fr-FR,zh-TW;q=0.5", "en") == "zh_CN"
    assert from_accept_language("fr-FR", "zh_CN") == "zh_CN"
    assert from_accept_language(None, "en") == "en"
