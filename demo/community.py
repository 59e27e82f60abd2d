"""The demo's community: the people of a small business club in Lyon and their English-speaking
friends. Nine at ease with the web, nine with business, and Hugo, whom nobody can teach what he wants.

The seed shuffles the order in which they arrive, and so the bot's ids and the pairs it forms."""

from __future__ import annotations

import random
from dataclasses import dataclass

WEB_SIDE = "web"
BUSINESS_SIDE = "business"


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    locale: str  # the member's Discord language: "fr" or "en-US"
    languages: tuple[str, ...]
    teaches: tuple[str, ...]
    learns: tuple[str, ...]
    city: str
    zone: str
    bio: str
    objectives: str
    availability: str
    in_person: bool = True

    @property
    def side(self) -> str:
        return WEB_SIDE if set(self.teaches) & WEB_SKILLS else BUSINESS_SIDE

    @property
    def french(self) -> bool:
        return self.locale == "fr"


WEB_SKILLS = {"social-media", "seo", "e-commerce", "content", "analytics", "no-code"}

FR, EN, BOTH = ("fr",), ("en",), ("fr", "en")
PARIS, LONDON = "Europe/Paris", "Europe/London"


def _p(handle, name, locale, languages, teaches, learns, city, zone, bio, objectives, availability, in_person=True):
    return Person(
        handle, name, locale, languages, teaches, learns, city, zone, bio, objectives, availability, in_person
    )


PEOPLE: tuple[Person, ...] = (
    # -- at ease with the web --------------------------------------------------------------------
    _p("lea", "Léa", "fr", FR, ("social-media", "content"), ("finance", "strategy"), "Lyon", PARIS,
       "Community manager, 24 ans", "Comprendre un bilan et un prévisionnel", "Le mardi soir"),
    _p("yanis", "Yanis", "fr", FR, ("seo", "analytics"), ("sales", "negotiation"), "Lyon", PARIS,
       "Étudiant en marketing digital", "Savoir mener un rendez-vous client", "Le mercredi après 18 h"),
    _p("ines", "Inès", "fr", BOTH, ("e-commerce", "no-code"), ("management", "finance"), "Villeurbanne", PARIS,
       "Développeuse no-code en freelance", "Encadrer une première stagiaire", "Le jeudi midi"),
    _p("theo", "Théo", "fr", FR, ("content", "social-media"), ("legal", "sales"), "Lyon", PARIS,
       "Vidéaste, 22 ans", "Savoir rédiger un devis et des CGV", "Le week-end"),
    _p("manon", "Manon", "fr", FR, ("analytics", "seo"), ("strategy", "management"), "Grenoble", PARIS,
       "Data analyst junior", "Construire une feuille de route", "Le lundi soir", False),
    _p("sam", "Sam", "en-US", EN, ("social-media", "e-commerce"), ("finance", "negotiation"), "London", LONDON,
       "Runs a vintage shop on Instagram", "Read a P&L and price my products", "Weekday evenings"),
    _p("priya", "Priya", "en-US", BOTH, ("no-code", "analytics"), ("strategy", "sales"), "Lyon", PARIS,
       "Product designer, moved to Lyon last year", "Pitch a product to investors", "Tuesday lunchtime"),
    _p("jade", "Jade", "fr", FR, ("seo", "content"), ("finance", "legal"), "Lyon", PARIS,
       "Rédactrice web", "Choisir un statut et facturer", "Le vendredi matin"),
    _p("oliver", "Oliver", "en-US", EN, ("content", "seo"), ("management", "sales"), "Manchester", LONDON,
       "Copywriter and podcaster", "Manage a small team", "Thursday evenings", False),
    # -- experienced in business -----------------------------------------------------------------
    _p("bernard", "Bernard", "fr", FR, ("finance", "strategy"), ("social-media", "content"), "Lyon", PARIS,
       "Expert-comptable, 58 ans", "Faire connaître mon cabinet sur LinkedIn", "Le mardi soir"),
    _p("sylvie", "Sylvie", "fr", FR, ("sales", "negotiation"), ("seo", "analytics"), "Lyon", PARIS,
       "Dirigeante d'une PME de menuiserie", "Être trouvée sur Google", "Le mercredi soir"),
    _p("marc", "Marc", "fr", BOTH, ("management", "finance"), ("e-commerce", "no-code"), "Villeurbanne", PARIS,
       "Directeur d'une coopérative bio", "Ouvrir une boutique en ligne", "Le jeudi midi"),
    _p("agnes", "Agnès", "fr", FR, ("legal", "sales"), ("content", "social-media"), "Lyon", PARIS,
       "Avocate d'affaires", "Publier des vidéos pédagogiques", "Le samedi matin"),
    _p("gerard", "Gérard", "fr", FR, ("strategy", "management"), ("analytics", "seo"), "Grenoble", PARIS,
       "Ancien directeur industriel, mentor bénévole", "Comprendre les chiffres d'un site", "Le lundi soir",
       False),
    _p("margaret", "Margaret", "en-US", EN, ("finance", "negotiation"), ("social-media", "e-commerce"), "London",
       LONDON, "Retired CFO, runs a charity shop", "Sell the charity's goods online", "Weekday evenings"),
    _p("david", "David", "en-US", BOTH, ("strategy", "sales"), ("no-code", "analytics"), "Lyon", PARIS,
       "Serial founder, three start-ups", "Prototype without a developer", "Tuesday lunchtime"),
    _p("francoise", "Françoise", "fr", FR, ("finance", "legal"), ("seo", "content"), "Lyon", PARIS,
       "Notaire", "Un site que l'on trouve", "Le vendredi matin"),
    _p("richard", "Richard", "en-US", EN, ("management", "sales"), ("content", "seo"), "Manchester", LONDON,
       "Owns two restaurants", "Write for our website and newsletter", "Thursday evenings", False),
    # -- and Hugo: he teaches negotiation and wants strategy; nobody teaching strategy wants negotiation
    _p("hugo", "Hugo", "fr", FR, ("negotiation",), ("strategy",), "Lyon", PARIS,
       "Commercial indépendant", "Bâtir une stratégie à trois ans", "Le soir"),
)  # fmt: skip


def community(seed: int) -> list[Person]:
    """Everyone, in the order they arrive on the server (the seed's order)."""
    people = list(PEOPLE)
    random.Random(seed).shuffle(people)
    return people
