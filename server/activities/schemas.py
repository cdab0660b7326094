"""What an activity form carries, and the words for kinds and statuses."""

from __future__ import annotations

import msgspec

from server.i18n import N_

KIND_LABELS = {
    "volunteer_service": N_("Volunteer service"),
    "first_aid_training": N_("First-aid training"),
    "blood_donation": N_("Blood donation volunteer service"),
    "medicine_delivery": N_("Medicine delivery"),
    "boai_home": N_("Boai to every home"),
    "party_day": N_("Party theme day"),
    "other": N_("Other"),
}
"""Each kind code (``tables.KINDS``) and the words a person reads for it."""
STATUS_LABELS = {
    "planned": N_("Planned"),
    "cancelled": N_("Cancelled"),
    "not_held": N_("Did not take place"),
}


class ActivityDraft(msgspec.Struct, kw_only=True):
    """An activity form as posted: every field as typed (the service checks them)."""

    kind: str = ""
    title: str = ""
    place: str = ""
    content: str = ""
    organiser: str = ""
    person_in_charge: str = ""
    starts_at: str = ""
    """Local time (``TIME_ZONE``) as a ``datetime-local`` field sends it, or RFC 3339."""
    ends_at: str = ""
    area: str = ""
    """The area's id; a team's activity takes its team's area."""
    team: str = ""
    """A team's id, or empty for every team of the area."""
    signup: bool = False
    capacity: str = ""
    latitude: str = ""
    longitude: str = ""
    radius_m: str = ""
    counts_as_service: bool = False
    external_number: str = ""
    version: str = ""
    """The version the change form showed (empty when creating)."""

    @classmethod
    def of(cls, form: dict[str, str]) -> ActivityDraft:
        """The draft of a posted form (unchecked boxes are absent from it)."""
        fields = {f: form.get(f, "") for f in cls.__struct_fields__}
        fields["signup"] = form.get("signup") == "on"
        fields["counts_as_service"] = form.get("counts_as_service") == "on"
        return cls(**fields)
