"""The one rule for a phone number, wherever one is entered: a mainland mobile (11 digits)
or a landline with its area code (``0719-8123456``).

A household edit (form or phone), an account and a roster row all check a number
here, and the page checks it with the same rule before saving (``HTML_PATTERN``,
``web/static/household.js``).
"""

from __future__ import annotations

import re

from server.i18n import N_

MOBILE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")
HTML_PATTERN = r"(?:(?:\+86|0086) ?)?1[3-9](?: ?[0-9]){9}|\(?0[0-9]{2,3}\)?(?: |-)?[0-9]{7,8}"
"""The rule as an ``<input pattern>`` (the written forms ``normal`` accepts, or fewer)."""
MESSAGE = N_(
    "Enter an 11-digit mobile number, or a landline with its area code such as 0719-8123456."
)
"""What a person reads when a number breaks the rule."""


def normal(phone: str) -> str:
    """``phone`` as stored: no spaces or brackets, no +86 before a mobile number."""
    phone = re.sub(r"[\s()（）]", "", phone)
    return re.sub(r"^(\+?86|0086)(?=1[0-9]{10}$)", "", phone)


def valid(phone: str) -> bool:
    """True for a mobile or a landline with its area code, as ``normal`` writes them."""
    return bool(MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone))
