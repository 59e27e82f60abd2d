"""The transcript drawn like Discord: one static page (`index.html`) and its `assets/` folder.

Channels in a side list (the server's channels, the pair channels in their category, the DMs), each
message with its author, the simulated date, mentions as names, embeds, buttons and menus drawn (not
clickable), pins marked, and each member's private answers under the interaction that caused them."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from demo.scenario import LYON

STATIC = Path(__file__).with_name("static")
BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link"}
KIND_ICONS = {"pair": "🔒", "moderators": "🛡️", "text": "#", "dm": "✉️"}
UPDATED = '<span class="updated">the message above, updated</span>'
PALETTE = ("#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#1abc9c", "#9b59b6", "#e67e22", "#3498db")


def write(transcript: dict[str, Any], out: Path) -> Path:
    """Write `index.html`, the assets and `transcript.json` into `out`; returns the page's path."""
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name in ("style.css", "app.js"):
        shutil.copyfile(STATIC / name, assets / name)
    (out / "transcript.json").write_text(json.dumps(transcript, ensure_ascii=False, indent=1), encoding="utf-8")
    page = out / "index.html"
    page.write_text(Page(transcript).html(), encoding="utf-8")
    return page


def when(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(LYON).strftime("%a %d %b %Y · %H:%M")


def color_of(name: str) -> str:
    return PALETTE[sum(map(ord, name)) % len(PALETTE)]


class Page:
    def __init__(self, transcript: dict[str, Any]) -> None:
        self.t = transcript
        self.people = transcript["people"]

    def name(self, user_id: str) -> str:
        return self.people.get(user_id, {}).get("name", "unknown")

    # -- text ------------------------------------------------------------------------------------

    def text(self, raw: str, at: str | None = None) -> str:
        """Discord markdown, the subset the bot writes, with mentions and timestamps resolved (relative
        ones from `at`, the message's simulated date)."""
        out = html.escape(raw or "", quote=False)
        out = re.sub(
            r"&lt;@!?(\d+)&gt;", lambda m: f'<span class="mention">@{html.escape(self.name(m[1]))}</span>', out
        )
        out = re.sub(
            r"&lt;@&amp;(\d+)&gt;",
            lambda m: f'<span class="mention">@{html.escape(self.t["roles"].get(m[1], "role"))}</span>',
            out,
        )
        out = re.sub(
            r"&lt;#(\d+)&gt;",
            lambda m: f'<span class="mention">#{html.escape(self._channel_name(m[1]))}</span>',
            out,
        )
        out = re.sub(r"&lt;t:(\d+)(?::([a-zA-Z]))?&gt;", lambda m: _timestamp(int(m[1]), m[2] or "f", at), out)
        out = re.sub(r"```(.+?)```", r"<pre>\1</pre>", out, flags=re.S)
        out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
        out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out, flags=re.S)
        out = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", out)
        out = re.sub(r"__(.+?)__", r"<u>\1</u>", out)
        out = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r'<a href="\2">\1</a>', out)
        out = re.sub(r"(?<![\"'>])(https?://[^\s<]+)", r'<a href="\1">\1</a>', out)
        lines = [
            f'<span class="quote">{line[5:]}</span>' if line.startswith("&gt; ") else line for line in out.split("\n")
        ]
        return "<br>".join(lines)

    def _channel_name(self, channel_id: str) -> str:
        return self.t["channel_names"].get(channel_id, "channel")

    # -- pieces ----------------------------------------------------------------------------------

    def embed(self, embed: dict[str, Any]) -> str:
        color = embed.get("color")
        bar = f"#{color:06x}" if isinstance(color, int) else "#4e5058"
        parts = []
        if (author := embed.get("author")) and author.get("name"):
            parts.append(f'<div class="embed-author">{self.text(author["name"])}</div>')
        if embed.get("title"):
            parts.append(f'<div class="embed-title">{self.text(embed["title"])}</div>')
        if embed.get("description"):
            parts.append(f'<div class="embed-description">{self.text(embed["description"])}</div>')
        fields = "".join(
            f'<div class="embed-field{" inline" if f.get("inline") else ""}"><div class="embed-field-name">'
            f"{self.text(f.get('name', ''))}</div><div>{self.text(f.get('value', ''))}</div></div>"
            for f in embed.get("fields") or []
        )
        if fields:
            parts.append(f'<div class="embed-fields">{fields}</div>')
        if (image := embed.get("image")) and image.get("url", "").startswith("http"):
            parts.append(f'<img class="embed-image" src="{html.escape(image["url"])}" alt="">')
        if (footer := embed.get("footer")) and footer.get("text"):
            parts.append(f'<div class="embed-footer">{self.text(footer["text"])}</div>')
        return f'<div class="embed" style="border-left-color:{bar}">{"".join(parts)}</div>'

    def component(self, component: dict[str, Any]) -> str:
        kind = component.get("type")
        if kind == 1:
            return f'<div class="row">{"".join(self.component(c) for c in component.get("components") or [])}</div>'
        if kind == 2:
            emoji = (component.get("emoji") or {}).get("name") or ""
            label = html.escape(" ".join(p for p in (emoji, component.get("label") or "") if p))
            style = BUTTON_STYLES.get(component.get("style"), "secondary")
            disabled = " disabled" if component.get("disabled") else ""
            return f'<span class="button {style}{disabled}" title="drawn, not clickable">{label}</span>'
        if kind in (3, 5, 6, 7, 8):
            placeholder = component.get("placeholder") or "…"
            defaults = [o.get("label", "") for o in component.get("options") or [] if o.get("default")]
            shown = ", ".join(defaults) or placeholder
            return f'<span class="select" title="drawn, not clickable">{html.escape(shown)}<b>⌄</b></span>'
        if kind == 10:
            return f'<div class="text-display">{self.text(component.get("content", ""))}</div>'
        inner = "".join(self.component(c) for c in component.get("components") or [])
        return f'<div class="container">{inner}</div>'

    def attachments(self, message: dict[str, Any]) -> str:
        out = []
        for attachment in message["attachments"]:
            href = "assets/" + html.escape(attachment["file"])
            name = html.escape(attachment["filename"])
            if attachment["filename"].lower().endswith(".png"):
                out.append(f'<a class="attachment-image" href="{href}"><img src="{href}" alt="{name}"></a>')
            else:
                out.append(f'<a class="attachment" href="{href}" download="{name}">📎 {name}</a>')
        return "".join(out)

    def body(self, message: dict[str, Any]) -> str:
        parts = []
        if message["content"]:
            edited = ' <span class="edited">(edited)</span>' if message["edited"] else ""
            parts.append(f'<div class="content">{self.text(message["content"], message["at"])}{edited}</div>')
        parts += [self.embed(e) for e in message["embeds"]]
        parts.append(self.attachments(message))
        if message["components"]:
            parts.append(f'<div class="components">{"".join(self.component(c) for c in message["components"])}</div>')
        return "".join(parts)

    def header(self, user_id: str, at: str, extra: str = "") -> str:
        person = self.people.get(user_id, {})
        name = person.get("name", "unknown")
        bot = '<span class="bot-tag">APP</span>' if person.get("bot") else ""
        return (
            f'<div class="avatar" style="background:{color_of(name)}">{html.escape(name[:1].upper())}</div>'
            f'<div class="meta"><span class="author">{html.escape(name)}</span>{bot}'
            f'<time datetime="{html.escape(at)}">{when(at)}</time>{extra}</div>'
        )

    def message(self, message: dict[str, Any]) -> str:
        if message["type"] == "system":
            return f'<div class="system">📌 {html.escape(self.name(message["author"]))} pinned a message.</div>'
        pinned = '<span class="pin" title="pinned">📌 pinned</span>' if message["pinned"] else ""
        classes = "message pinned-message" if message["pinned"] else "message"
        return (
            f'<article class="{classes}" id="m{message["id"]}">{self.header(message["author"], message["at"], pinned)}'
            f'<div class="body">{self.body(message)}</div></article>'
        )

    def action(self, action: dict[str, Any]) -> str:
        who = html.escape(self.name(action["user"]))
        label = self.text(action["label"])
        caption = {
            "command": f"{who} used <code class='command'>{label}</code>",
            "click": f"{who} clicked <span class='pressed'>{label}</span>",
            "select": f"{who} chose <span class='pressed'>{label}</span>",
            "modal": f"{who} sent the form <span class='pressed'>{label}</span>",
        }[action["kind"]]
        extra = ""
        if action.get("values"):
            rows = "".join(
                f"<dt>{html.escape(k)}</dt><dd>{self.text(v)}</dd>" for k, v in action["values"].items() if v
            )
            extra += f'<dl class="form-values">{rows}</dl>'
        if action.get("modal"):
            extra += f'<div class="modal-note">↳ the form «{html.escape(action["modal"])}» opened</div>'
        if action.get("rejected"):
            extra += f'<div class="error-note">Discord refused the answer: {html.escape(str(action["rejected"]))}</div>'
        replies = "".join(
            f'<div class="ephemeral">{self.header(r["author"], r["at"], UPDATED if r.get("updated") else "")}'
            f'<div class="body">{self.body(r)}'
            f'<div class="only-you">👁 Only you can see this · <span>Dismiss message</span></div></div></div>'
            for r in action["replies"]
        )
        return (
            f'<div class="action" id="a{action["id"]}"><div class="caption">↱ {caption}'
            f' <time datetime="{html.escape(action["at"])}">{when(action["at"])}</time></div>{extra}{replies}</div>'
        )

    # -- the page --------------------------------------------------------------------------------

    def sidebar(self) -> str:
        groups: dict[str, list[dict[str, Any]]] = {}
        for channel in self.t["channels"]:
            group = "Direct messages" if channel["kind"] == "dm" else (channel["category"] or "Text channels")
            groups.setdefault(group, []).append(channel)
        out = []
        for group, channels in groups.items():
            links = "".join(
                f'<a href="#c{c["id"]}" class="kind-{c["kind"]}">{KIND_ICONS[c["kind"]]} {html.escape(c["name"])}'
                f'<span class="count">{len(c["entries"])}</span></a>'
                for c in channels
            )
            out.append(f'<div class="group"><div class="group-name">{html.escape(group)}</div>{links}</div>')
        return "".join(out)

    def channel(self, channel: dict[str, Any]) -> str:
        entries = "".join(self.message(e) if e["type"] != "action" else self.action(e) for e in channel["entries"])
        members = ", ".join(self.name(m) for m in channel["members"])
        topic = f'<span class="topic">{html.escape(members)}</span>' if members else ""
        icon = KIND_ICONS[channel["kind"]]
        return (
            f'<section class="channel" id="c{channel["id"]}" data-kind="{channel["kind"]}">'
            f"<header>{icon} <strong>{html.escape(channel['name'])}</strong>{topic}</header>"
            f'<div class="messages">{entries or "<p class=empty>No messages.</p>"}</div></section>'
        )

    def html(self) -> str:
        t = self.t
        error = ""
        if t.get("error"):
            error = (
                '<div class="failure"><strong>The demo failed here.</strong> What happened until then is below.'
                f"<pre>{html.escape(t['error'])}</pre><details><summary>The bot's log (end)</summary>"
                f"<pre>{html.escape(t.get('bot_log_tail', ''))}</pre></details></div>"
            )
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Binôme demo · {html.escape(t["server"])}</title><link rel="stylesheet" href="assets/style.css"></head>
<body><nav class="servers"><div class="server-icon" title="{html.escape(t["server"])}">B</div></nav>
<aside class="sidebar"><div class="server-name">{html.escape(t["server"])}</div>{self.sidebar()}</aside>
<main><div class="banner"><strong>Binôme demo</strong> · seed {t.get("seed")} · simulated dates, Lyon time ·
<a href="transcript.json">data</a><p>{html.escape(t.get("summary", ""))}</p>{error}</div>
{"".join(self.channel(c) for c in t["channels"])}</main>
<script src="assets/app.js"></script></body></html>
"""


def _timestamp(unix: int, style: str, at: str | None = None) -> str:
    moment = datetime.fromtimestamp(unix, ZoneInfo("UTC")).astimezone(LYON)
    if style == "R" and at is not None:
        return f'<span class="timestamp">{_relative(moment - datetime.fromisoformat(at))}</span>'
    formats = {"t": "%H:%M", "T": "%H:%M:%S", "d": "%d/%m/%Y", "D": "%d %B %Y", "F": "%A %d %B %Y %H:%M"}
    return f'<span class="timestamp">{moment.strftime(formats.get(style, "%d %B %Y %H:%M"))}</span>'


def _relative(delta) -> str:
    """Discord's relative timestamp ("in 4 days", "2 hours ago"), as the reader saw it then."""
    seconds = abs(delta.total_seconds())
    units = (("month", 30 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
    unit, size = next(((unit, size) for unit, size in units if seconds >= size), units[-1])
    count = round(seconds / size)
    text = f"{count} {unit}{'s' if count != 1 else ''}"
    return f"in {text}" if delta.total_seconds() >= 0 else f"{text} ago"
