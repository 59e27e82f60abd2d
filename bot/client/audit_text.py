"""The texts of audit entries and trouble reports, rendered when shown or posted (in `locale`)."""

from __future__ import annotations

from typing import Any

from bot.client.interactions import mention, mention_all
from bot.db.models import AuditEntry, ModeratorReport, Pair
from bot.i18n import catalogue, placeholders, t
from bot.i18n.dates import weekday_name

REPORT_PREVIEW_CHARS = 300
COUNTED = {
    "pairs": "console.count.pairs",
    "unmatched": "console.count.unmatched",
    "created": "console.count.created",
    "sessions": "console.count.sessions",
    "members": "console.count.members",
}


def setting_value(name: str, value: Any, locale: str) -> str:
    """A setting's value as `setup` shows it (a role, a channel, a language, a weekday...)."""
    if value is None:
        return t("admin.setup.unset", locale)
    if isinstance(value, bool):
        return t("common.yes_no.yes" if value else "common.yes_no.no", locale)
    if name.endswith("_role_id"):
        return f"<@&{value}>"
    if name.endswith("_channel_id"):
        return f"<#{value}>"
    if name == "locale":
        return t(f"common.languages.{value}", locale)
    if name == "archive_mode":
        return t(f"admin.setup.mode_{value}", locale)
    if name == "nudge_weekday":
        return weekday_name(int(value), locale)
    if isinstance(value, bool):  # a switch (voice check-ins)
        return t(f"voice.setup.{'on' if value else 'off'}", locale)
    return str(value)


def _changes(changes: dict[str, list[Any]], locale: str) -> str:
    return "; ".join(
        t(
            "console.audit.change",
            locale,
            setting=t(f"console.audit.setting.{name}", locale),
            old=setting_value(name, old, locale),
            new=setting_value(name, new, locale),
        )
        for name, (old, new) in sorted(changes.items())
    )


def audit_text(entry: AuditEntry, locale: str) -> str:
    params: dict[str, Any] = dict(entry.details)
    for name, key in COUNTED.items():
        if name in params:
            params[name] = t(key, locale, count=int(params[name]))
    if "changes" in params:
        params["changes"] = _changes(params["changes"], locale)
    return t(
        f"console.audit.action.{entry.action}",
        locale,
        **params,
        moderator=mention(entry.actor_id),
        a=mention(entry.target_a_id),
        b=mention(entry.target_b_id),
    )


def report_text(report: ModeratorReport, pair: Pair | None, locale: str, *, preview: bool = False) -> str:
    """The report as moderators read it; names the pair's members as they are now (an erased member
    is "?"), and shows "?" for a value erased with its member."""
    message = catalogue(locale).get(report.kind) or catalogue("fr").get(report.kind, "")
    params: dict[str, Any] = {name: "?" for name in placeholders(message)}
    params.update(members=mention_all(pair.members()) if pair else "?", member=mention(report.subject_id))
    params.update(report.params)
    text = t(report.kind, locale, **params)
    if preview and len(text) > REPORT_PREVIEW_CHARS:
        text = text[: REPORT_PREVIEW_CHARS - 1] + "…"
    return text
