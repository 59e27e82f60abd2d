"""Shared test data and helpers (imported by unit, database and end-to-end tests alike)."""

from __future__ import annotations

from bot.domain.profiles import ProfileDraft

# Two complementary profiles: each teaches what the other wants to learn, in the same city.
WEB_DRAFT = ProfileDraft(
    teaches={"seo", "social-media"},
    learns={"finance", "sales"},
    languages={"fr"},
    timezone="Europe/Paris",
    city="Lyon",
    in_person_ok=True,
)
BUSINESS_DRAFT = ProfileDraft(
    teaches={"finance", "sales"},
    learns={"seo", "social-media"},
    languages={"fr"},
    timezone="Europe/Paris",
    city="Lyon",
    in_person_ok=True,
)
