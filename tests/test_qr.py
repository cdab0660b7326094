"""The phone's QR encoder (web/static/qr.js) draws the same modules as segno.

The leader's phone draws the check-in QR code itself, offline, every minute; a wrong
module anywhere makes an unreadable code, so every version (1–6) and every mask is
compared module by module with segno's matrix for the same text, version, level M and
mask. Node runs the module (one process for all cases).
"""

from __future__ import annotations

import json
import subprocess

import pytest
import segno

from tests.support import ROOT

QR_JS = (ROOT / "web" / "static" / "qr.js").as_uri()

BASE = "https://doorstep.example.org/checkin/"
TEXTS = {
    1: "/checkin/7?c=1",
    2: "/checkin/12?c=004711&p=123",
    3: BASE + "1?c=1",
    4: BASE + "123?c=987654&" + "签到" * 2,
    5: BASE + "123456?c=987654&v=" + "x" * 29,
    6: BASE + "123456?c=987654&v=" + "y" * 51,
}
"""A text per version that fills it at level M (14, 26, 42, 62, 84 and 106 bytes). Full
texts keep clear of segno's padding, which adds a zero byte when the data ends on a byte
boundary (heuer/segno#123; the standard pads with 0xEC 0x11 from there): readers skip
padding, but the modules differ. ``test_a_short_text_pads_as_the_standard_says`` covers
the shorter texts every real check-in URL is."""


def _node(script: str):
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def drawn():
    """``{(version, mask): modules}`` as qr.js encodes each text, plus its own choice of mask."""
    cases = [(v, m) for v in TEXTS for m in range(8)]
    script = f"""
        import {{ encode }} from {json.dumps(QR_JS)};
        const texts = {json.dumps(TEXTS)};
        const out = {{}};
        for (const [v, m] of {json.dumps(cases)}) {{
          out[`${{v}}/${{m}}`] = encode(texts[v], {{ version: v, mask: m }}).modules;
        }}
        for (const v of Object.keys(texts)) {{
          const auto = encode(texts[v]);
          out[`auto/${{v}}`] = [auto.version, auto.mask];
        }}
        console.log(JSON.stringify(out));
    """
    return _node(script)


def _segno(text: str, version: int, mask: int | None = None):
    return segno.make(
        text, version=version, error="m", mask=mask, mode="byte", boost_error=False, micro=False
    )


@pytest.mark.parametrize("version", sorted(TEXTS))
@pytest.mark.parametrize("mask", range(8))
def test_the_modules_match_segno(drawn, version, mask):
    expected = [list(row) for row in _segno(TEXTS[version], version, mask).matrix]
    assert drawn[f"{version}/{mask}"] == expected


@pytest.mark.parametrize("version", sorted(TEXTS))
def test_the_smallest_version_is_chosen(drawn, version):
    assert (
        drawn[f"auto/{version}"][0]
        == segno.make(
            TEXTS[version], error="m", mode="byte", boost_error=False, micro=False
        ).version
    )


def test_a_short_text_pads_as_the_standard_says(monkeypatch):
    # segno with its padding as ISO/IEC 18004 7.4.10 has it: pad bits only up to the boundary.
    monkeypatch.setattr(
        segno.encoder,
        "write_padding_bits",
        lambda buff, version, length: buff.extend([0] * (-length % 8)),
    )
    text = "/checkin/42?c=004711"
    script = f"""
        import {{ encode }} from {json.dumps(QR_JS)};
        const out = [];
        for (let mask = 0; mask < 8; mask++) {{
          out.push(encode({json.dumps(text)}, {{ mask }}).modules);
        }}
        console.log(JSON.stringify(out));
    """
    drawn = _node(script)
    for mask in range(8):
        expected = _segno(text, 2, mask)
        assert drawn[mask] == [list(row) for row in expected.matrix], mask


def test_a_text_beyond_version_6_is_refused():
    script = f"""
        import {{ encode }} from {json.dumps(QR_JS)};
        try {{ encode("x".repeat(107)); console.log("null"); }}
        catch (e) {{ console.log(JSON.stringify(e.name)); }}
    """
    assert _node(script) == "RangeError"
