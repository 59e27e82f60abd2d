"""Discord's channel limits and missing permissions around pair channels: refused whole, never half-done."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import MatchRound, Pair
from fake_discord import DEFAULT_BOT, Perm
from tests.e2e.helpers import component_id, seed_profiles


async def start_with_members(fake, bot, database_url, count: int, *, filler_channels: int = 0):
    guild = fake.add_guild("Club", preferred_locale="en-US")
    general = fake.add_text_channel(guild.id, "general")
    for number in range(filler_channels):
        fake.add_text_channel(guild.id, f"filler-{number}")
    owner = fake.member(guild.id, guild.owner_id)
    people = [fake.add_member(guild.id, name=f"m{i}").id for i in range(count)]
    await seed_profiles(database_url, guild.id, people)
    await bot.start()
    return guild, general, owner


async def preview_and_confirm(fake, guild, general, owner):
    command = await fake.slash_command(guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=general.id)
    message = await command.final_message()
    click = await fake.click(message, component_id(message, ":confirm:0"), owner.id)
    return message, click


async def count(db, model) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_pair_channels_overflow_into_a_second_category_at_50(fake, bot, db, database_url):
    guild, general, owner = await start_with_members(fake, bot, database_url, 104)
    message, _ = await preview_and_confirm(fake, guild, general, owner)
    await fake.wait_for(
        lambda: "52/52 pairs created" in fake.message(message.id).text, timeout=30, description="52 pairs created"
    )
    categories = {c.name: c for c in fake.channels(guild.id, type=4)}
    assert set(categories) == {"Binômes", "Binômes 2"}
    assert len(fake.channels(guild.id, type=0, parent_id=categories["Binômes"].id)) == 50
    assert len(fake.channels(guild.id, type=0, parent_id=categories["Binômes 2"].id)) == 2
    assert fake.stats.failed == 0


async def test_a_round_that_would_pass_500_channels_is_refused_whole(fake, bot, db, database_url):
    # 1 + 496 channels exist; 3 pairs need 3 channels and 1 category: 501 > 500.
    guild, general, owner = await start_with_members(fake, bot, database_url, 6, filler_channels=496)
    _, click = await preview_and_confirm(fake, guild, general, owner)
    answer = await click.wait_for_followup()
    assert "Not enough room" in answer.text and "4 channels" in answer.text and "3 left" in answer.text
    assert answer.ephemeral
    assert await count(db, Pair) == 0
    async with db.session() as session:
        assert (await session.scalars(select(MatchRound.status))).one() == "preview", "the round can be retried"
    assert len(fake.channels(guild.id)) == 497


async def test_missing_manage_channels_is_explained_and_nothing_is_created(fake, bot, db, database_url):
    guild, general, owner = await start_with_members(fake, bot, database_url, 4)
    fake.set_bot_permissions(guild.id, Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.MANAGE_ROLES | Perm.PIN_MESSAGES)
    _, click = await preview_and_confirm(fake, guild, general, owner)
    answer = await click.wait_for_followup()
    # Named as the moderator's Discord names it, not as an attribute of discord.py.
    assert "missing these permissions: Manage Channels." in answer.text and "manage_channels" not in answer.text
    assert await count(db, Pair) == 0
    assert fake.channels(guild.id, type=4) == []


async def test_missing_pin_messages_is_explained_before_any_channel_is_made(fake, bot, db, database_url):
    # Discord split pinning out of Manage Messages (Pin Messages, 1 << 51): the bot grants it to itself on
    # each pair channel, and Discord refuses an overwrite granting what the bot does not have.
    guild, general, owner = await start_with_members(fake, bot, database_url, 4)
    fake.set_bot_permissions(guild.id, DEFAULT_BOT & ~Perm.PIN_MESSAGES)
    _, click = await preview_and_confirm(fake, guild, general, owner)
    answer = await click.wait_for_followup()
    assert "missing these permissions: Pin Messages." in answer.text
    assert await count(db, Pair) == 0


async def test_the_bot_keeps_pin_messages_on_each_pair_channel(fake, bot, db, database_url):
    guild, general, owner = await start_with_members(fake, bot, database_url, 2)
    message, _ = await preview_and_confirm(fake, guild, general, owner)
    await fake.wait_for(lambda: "1/1 pair created" in fake.message(message.id).text, description="the pair")
    async with db.session() as session:
        pair = (await session.scalars(select(Pair))).one()
    me = fake.world.bot_user.id
    assert fake.permissions_of(pair.channel_id, me) & Perm.PIN_MESSAGES
    assert fake.channel(pair.channel_id).overwrites[me].allow & Perm.PIN_MESSAGES
