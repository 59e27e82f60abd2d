"""Dates, times and lists as each language writes them (CLDR data through Babel), and Discord
timestamps, which each reader's client shows in their own time zone and language.

Inside Discord, prefer `discord_timestamp`: a message read by many people in different zones then
shows each of them their own local time. Babel's formats are for text outside Discord (files, the
demo transcript) and for dates without a time (a week's Monday).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Literal

from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list

from bot.i18n import babel_locale

TimestampStyle = Literal["t", "T", "d", "D", "f", "F", "R"]


def discord_timestamp(moment: datetime, style: TimestampStyle = "f") -> str:
    """`<t:unix:style>`: D = "30 novembre 2026", f = date and time, R = "dans 2 jours", t = "09:00"."""
    if moment.tzinfo is None:
        raise ValueError("a Discord timestamp needs an aware datetime")
    return f"<t:{int(moment.timestamp())}:{style}>"


# CLDR's "full" date without the year (its skeletons abbreviate the weekday).
_DAY_AND_MONTH = {"fr": "EEEE d MMMM", "en": "EEEE, MMMM d"}


def day_and_month(day: date, locale: str) -> str:
    """ "lundi 30 novembre" / "Monday, November 30"."""
    language = babel_locale(locale).language
    return format_date(day, _DAY_AND_MONTH.get(language, "EEEE d MMMM"), locale=babel_locale(locale))


def long_date(day: date, locale: str) -> str:
    """ "30 novembre 2026" / "November 30, 2026"."""
    return format_date(day, "long", locale=babel_locale(locale))


def full_date(day: date, locale: str) -> str:
    """ "jeudi 3 décembre 2026" / "Thursday, December 3, 2026"."""
    return format_date(day, "full", locale=babel_locale(locale))


def short_time(moment: time | datetime, locale: str) -> str:
    """ "09:00" / "9:00 AM"."""
    return format_time(moment, "short", locale=babel_locale(locale))


def weekday_name(weekday: int, locale: str) -> str:
    """Monday is 0, as in `date.weekday()`: "lundi" / "Monday"."""
    return get_day_names("wide", locale=babel_locale(locale))[weekday]


def join_list(items: Iterable[str], locale: str, style: Literal["standard", "or"] = "standard") -> str:
    """ "A, B et C" / "A, B, and C" (or "A ou B" / "A or B")."""
    return format_list(list(items), style=style, locale=babel_locale(locale))
