"""Small shared steps of the HTTP tests."""

from __future__ import annotations

import re

from tests.support import csrf, form_fields


async def household_ids_of(username: str) -> list[int]:
    """Households paired with the demo account ``username`` now."""
    from server.accounts.tables import Account
    from server.households.service import paired_household_ids

    account = await Account.select(Account.id).where(Account.username == username).first()
    return await paired_household_ids(account["id"])


def visit_form(client, household_id: int) -> dict[str, str]:
    """A freshly rendered visit form's fields, with no need marked."""
    response = client.get(f"/households/{household_id}/visit")
    assert response.status_code == 200
    fields = form_fields(response.text)
    fields["_csrf_token"] = csrf(client)
    for area in ("health", "training", "livelihood", "work_school"):
        fields[f"needs.{area}.level"] = "none"
    return fields


def errors_in(html: str) -> list[str]:
    """The non-empty error messages on a page."""
    return [m.strip() for m in re.findall(r'class="error"[^>]*>([^<]+)<', html) if m.strip()]
