"""The default skill catalogue every guild starts with (moderators then shape their own: `bot.domain.catalogue`)."""

from __future__ import annotations

from dataclasses import dataclass

WEB = "web"
BUSINESS = "business"


@dataclass(frozen=True, slots=True)
class SkillSpec:
    key: str
    side: str
    name_en: str
    name_fr: str
    side_name: str | None = None  # a side a moderator named (`side` is then its key)
    removed: bool = False  # taken out of the catalogue: shown in profiles and pairs, never offered

    def name(self, locale: str) -> str:
        return self.name_fr if locale == "fr" else self.name_en


DEFAULT_CATALOGUE: tuple[SkillSpec, ...] = (
    SkillSpec("social-media", WEB, "Social media", "Réseaux sociaux"),
    SkillSpec("seo", WEB, "SEO", "Référencement (SEO)"),
    SkillSpec("e-commerce", WEB, "E-commerce", "E-commerce"),
    SkillSpec("content", WEB, "Content creation", "Création de contenu"),
    SkillSpec("analytics", WEB, "Web analytics", "Analyse d'audience"),
    SkillSpec("no-code", WEB, "No-code tools", "Outils no-code"),
    SkillSpec("finance", BUSINESS, "Finance", "Finance"),
    SkillSpec("sales", BUSINESS, "Sales", "Vente"),
    SkillSpec("strategy", BUSINESS, "Strategy", "Stratégie"),
    SkillSpec("management", BUSINESS, "Management", "Management"),
    SkillSpec("negotiation", BUSINESS, "Negotiation", "Négociation"),
    SkillSpec("legal", BUSINESS, "Legal basics", "Notions juridiques"),
)
