"""Every interaction gets an answer: a component whose custom id matches nothing the bot handles is
answered "this menu has expired" (in the member's language), instead of failing in the client."""

from __future__ import annotations

import pytest

UNHANDLED = [
    "binome:week:abc:log",  # malformed id
    "binome:week:12:dance",  # unknown verb
    "binome:pair:-3:met",  # negative id
    "binome:round:1:confirm",  # a field missing
    "binome:t:000000:join:continue",  # a menu of another boot
    "something-else-entirely",
]


def buttons(custom_ids: list[str]) -> list[dict]:
    return [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": str(n), "custom_id": c}]}
        for n, c in enumerate(custom_ids)
    ]


@pytest.mark.parametrize(("locale", "expired"), [("fr", "Ce menu a expiré"), ("en-US", "This menu has expired")])
async def test_components_nothing_handles_are_answered_as_expired(fake, bot, locale, expired):
    guild = fake.add_guild("Club", preferred_locale="fr")
    channel = fake.add_text_channel(guild.id, "general")
    member = fake.add_member(guild.id, name="alice", locale=locale)
    await bot.start()
    # Buttons as an older version of the bot (or a hand-made payload) may have left them.
    message = fake.post_message(channel.id, fake.bot_user.id, "old buttons", components=buttons(UNHANDLED[:5]))
    extra = fake.post_message(
        channel.id, fake.bot_user.id, "more", components=buttons([*UNHANDLED[5:], "binome:pair:999:met"])
    )
    for custom_id in UNHANDLED:
        click = await fake.click(message if custom_id in UNHANDLED[:5] else extra, custom_id, member.id)
        answer = await click.response()
        assert answer.ephemeral and expired in answer.content, (custom_id, answer.content)
        assert click.rejected == []
    # A well-formed id is still the bot's to answer (here: not this member's pair), not "expired".
    known = await fake.click(extra, "binome:pair:999:met", member.id)
    answer = await known.response()
    assert expired not in answer.content and answer.ephemeral
    assert fake.stats.internal_errors == 0
