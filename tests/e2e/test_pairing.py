"""Matching rounds and pair channels, end to end: preview, confirm, channels, kickoffs, crashes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Pair
from fake_discord import FakeDiscord, Perm
from tests.conftest import fresh_database_url
from tests.e2e.bot_process import BotProcess
from tests.e2e.helpers import component_id, eventually, forged_click, join

WEB = {"teach": ("seo", "social-media"), "learn": ("finance", "sales")}
BUSINESS = {"teach": ("finance", "sales"), "learn": ("seo", "social-media")}
MEMBER_RIGHTS = Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.READ_MESSAGE_HISTORY


async def program(fake: FakeDiscord, bot, members: int = 10):
    """A server with a moderator role and a moderators' channel, and `members` onboarded members."""
    guild = fake.add_guild("Club", preferred_locale="fr")
    general = fake.add_text_channel(guild.id, "general")
    mods_channel = fake.add_text_channel(guild.id, "moderation")
    mod_role = fake.add_role(guild.id, "Mentors")
    owner = fake.member(guild.id, guild.owner_id)
    people = [fake.add_member(guild.id, name=f"member{i}", locale="fr") for i in range(members)]
    await bot.start()
    setup = await fake.slash_command(
        guild.id,
        owner.id,
        "mentoring-admin",
        subcommand="setup",
        options={"moderator-role": mod_role, "moderators-channel": mods_channel},
        locale="fr",
    )
    assert "Réglages enregistrés" in (await setup.response()).content
    for index, person in enumerate(people):
        await join(fake, guild.id, person.id, **(WEB if index % 2 == 0 else BUSINESS))
    return guild, general, mods_channel, mod_role, owner, people


async def preview(fake, guild, owner, channel):
    command = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="match", channel_id=channel.id, locale="fr"
    )
    message = await command.final_message()
    assert message.ephemeral, "the preview shows everyone's skills: only the moderator who asked sees it"
    return command, message


def pair_channels(fake, guild) -> list:
    return [c for c in fake.channels(guild.id, type=0) if c.topic and "[binome:" in c.topic]


def current_text(fake, message) -> str:
    """The text of a message as it is now (after the bot's edits)."""
    return fake.message(message.id).text


def answer_text(interaction) -> str:
    """The interaction's reply, whether sent at once or as a followup after deferring."""
    texts = [interaction.callback.content] if interaction.callback is not None else []
    return " ".join(texts + [message.text for message in interaction.followups])


def kickoffs(fake, channel) -> list:
    return [m for m in fake.messages(channel.id) if any(":charter" in c for c in m.custom_ids())]


async def test_a_round_creates_private_channels_with_a_kickoff(fake, bot, db):
    guild, general, mods_channel, mod_role, owner, people = await program(fake, bot)
    _, message = await preview(fake, guild, owner, general)
    assert "Appariement n°" in message.text and "5 binômes" in message.text
    assert not [m for m in fake.messages(general.id) if "Appariement n°" in m.text], "nothing public in #general"
    confirm = component_id(message, ":confirm:0")

    # A member who is not a moderator cannot confirm (they cannot even see the preview: a forged click).
    refused = await forged_click(fake, message, confirm, people[0].id)
    assert "Seuls les modérateurs" in (await refused.response()).content
    assert pair_channels(fake, guild) == []

    # Two clicks on Confirm (a double click, and another moderator replaying the button): made once.
    other_moderator = fake.add_member(guild.id, name="other-mod", roles=[mod_role.id], locale="en-US")
    await fake.wait_for(lambda: fake.member(guild.id, other_moderator.id) is not None, description="the moderator")
    clicks = [
        await fake.click(message, confirm, owner.id),
        await forged_click(fake, message, confirm, other_moderator.id),
    ]
    # (The owner's Discord is in English: the answers to their clicks are too.)
    await fake.wait_for(lambda: "5/5 pairs created" in current_text(fake, message), description="the summary")
    await fake.wait_for(
        lambda: ["already" in answer_text(c) for c in clicks].count(True) == 1,
        description="one of the two clicks is told the round was already confirmed",
    )
    channels = pair_channels(fake, guild)
    assert len(channels) == 5
    # The other moderators learn the outcome in the moderators' channel.
    await fake.wait_for(
        lambda: any(
            "a confirmé l'appariement n°" in m.text and "5 binômes créés sur 5" in m.text
            for m in fake.messages(mods_channel.id)
        ),
        description="the round's outcome in the moderators' channel",
    )
    category = fake.channel(channels[0].parent_id)
    assert category.name == "Binômes" and {c.parent_id for c in channels} == {category.id}

    async with db.session() as session:
        pairs = (await session.scalars(select(Pair))).all()
    assert {p.status for p in pairs} == {"active"}
    for pair in pairs:
        channel = fake.channel(pair.channel_id)
        a, b = pair.member_a_id, pair.member_b_id
        overwrites = channel.overwrites
        assert overwrites[guild.id].deny & Perm.VIEW_CHANNEL, "@everyone cannot see the channel"
        for member_id in (a, b):
            assert overwrites[member_id].allow & MEMBER_RIGHTS == MEMBER_RIGHTS
            assert fake.can_view(channel.id, member_id)
        assert overwrites[fake.bot_user.id].allow & (Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.MANAGE_CHANNELS)
        assert overwrites[mod_role.id].allow & Perm.VIEW_CHANNEL
        assert set(overwrites) == {guild.id, a, b, fake.bot_user.id, mod_role.id}
        outsiders = [p.id for p in people if p.id not in (a, b)]
        assert not any(fake.can_view(channel.id, other) for other in outsiders)
        [kickoff] = kickoffs(fake, channel)
        assert f"<@{a}>" in kickoff.content and f"<@{b}>" in kickoff.content
        assert "même ville" in kickoff.content or "en personne" in kickoff.content
        assert kickoff.allowed_mentions["parse"] == []

    # Buttons of the kickoff: only the pair may use them.
    pair = pairs[0]
    channel = fake.channel(pair.channel_id)
    [kickoff] = kickoffs(fake, channel)
    met = component_id(kickoff, ":met")
    opened = await fake.click(kickoff, met, pair.member_a_id)
    assert (await opened.response()).type == 9, "it opens the first-meeting form (tests/e2e/test_meetings.py)"


async def test_non_moderators_are_refused_server_side(fake, bot):
    guild = fake.add_guild("Club", preferred_locale="en-US")
    fake.add_text_channel(guild.id, "general")
    someone = fake.add_member(guild.id, name="someone", locale="en-US")
    await bot.start()
    # As if a server admin had opened the command to everyone in Server Settings → Integrations.
    fake.rules.enforce_command_permissions = False
    attempt = await fake.slash_command(guild.id, someone.id, "mentoring-admin", subcommand="match", locale="en-US")
    answer = await attempt.response()
    assert answer.ephemeral and "Only the program's moderators" in answer.content


async def test_a_crash_mid_launch_is_resumed_without_duplicates(tmp_path):
    # Channel creation limited to 3 per 8 s: the category and two channels go through, then the bot
    # waits for the bucket and is killed there.
    async with FakeDiscord(
        rate_limits=True,
        route_limits={"POST /guilds/{guild_id}/channels": (3, 8.0)},
        default_route_limit=None,
        expect_valid_requests=True,
    ) as fake:
        # A short lease: the killed run's launches are taken over 2 s after it died.
        bot = BotProcess.for_fake(
            fake,
            await fresh_database_url("sqlite", tmp_path),
            tmp_path,
            BINOME_CLAIM_LEASE_SECONDS="2",
            BINOME_TICK_SECONDS="0.2",
        )
        await bot.migrate()
        try:
            guild, general, _, _, owner, _ = await program(fake, bot)
            _, message = await preview(fake, guild, owner, general)
            await fake.click(message, component_id(message, ":confirm:0"), owner.id)
            await fake.wait_for(lambda: len(pair_channels(fake, guild)) >= 2, description="two pair channels")
            await bot.kill()
            assert len(pair_channels(fake, guild)) == 2
            await bot.start()
            await fake.wait_for(
                lambda: (
                    len(pair_channels(fake, guild)) == 5
                    and all(len(kickoffs(fake, c)) == 1 for c in pair_channels(fake, guild))
                ),
                timeout=30,
                description="five channels with one kickoff each",
            )
            channels = pair_channels(fake, guild)
            assert len(channels) == 5
            assert [len(kickoffs(fake, c)) for c in channels] == [1] * 5
            assert len([c for c in fake.channels(guild.id, type=4)]) == 1, "one category"
            assert fake.stats.failed == 0
        finally:
            await bot.stop()


@pytest.mark.parametrize("archive_mode", ["archive", "delete"])
async def test_unpair_and_a_member_leaving_the_server(fake, bot, db, archive_mode):
    guild, general, mods_channel, _, owner, _ = await program(fake, bot, members=4)
    if archive_mode == "delete":
        setup = await fake.slash_command(
            guild.id, owner.id, "mentoring-admin", subcommand="setup", options={"ended-pairs": "delete"}, locale="fr"
        )
        await setup.response()
    _, message = await preview(fake, guild, owner, general)
    await fake.click(message, component_id(message, ":confirm:0"), owner.id)
    await fake.wait_for(lambda: "2/2 pairs created" in current_text(fake, message), description="the summary")
    async with db.session() as session:
        first, second = (await session.scalars(select(Pair).order_by(Pair.id))).all()

    # A moderator ends the first pair, after confirming.
    unpair = await fake.slash_command(
        guild.id, owner.id, "mentoring-admin", subcommand="unpair", options={"member": first.member_a_id}, locale="fr"
    )
    assert "Terminer le binôme" in (await unpair.response()).content
    assert (await unpair.response()).ephemeral, "a moderator's screen"
    # Someone else's Confirm button (forged: they cannot see it): a polite refusal, nothing ends.
    intruder = await forged_click(fake, unpair, component_id(unpair, ":confirm"), second.member_a_id)
    assert "appartient à quelqu'un d'autre" in (await intruder.response()).content
    done = await fake.click(unpair, component_id(unpair, ":confirm"), owner.id)
    assert "ended" in (await done.wait_for_edit()).text
    channel = fake.channel(first.channel_id)
    if archive_mode == "delete":
        assert channel is None
    else:
        assert not fake.permissions_of(channel.id, first.member_a_id) & Perm.SEND_MESSAGES
        assert fake.permissions_of(channel.id, first.member_a_id) & Perm.VIEW_CHANNEL

    # A member of the second pair leaves the server: the pair ends, the partner and moderators are told.
    leaver, partner = second.member_a_id, second.member_b_id
    fake.remove_member(guild.id, leaver)
    await fake.wait_for(
        lambda: any("a quitté le serveur" in m.content for m in fake.messages(mods_channel.id)),
        description="the moderators are told",
    )
    async with db.session() as session:
        ended = await session.get(Pair, second.id)
        assert ended.status == "ended" and ended.end_reason == "member_left_server"
    if archive_mode == "archive":
        notice = [m for m in fake.messages(second.channel_id) if "ton binôme a quitté" in m.content]
        assert notice and f"<@{partner}>" in notice[0].content


async def test_a_pair_channel_deleted_by_hand_is_recreated(fake, bot, db):
    guild, general, mods_channel, _, owner, _ = await program(fake, bot, members=2)
    _, message = await preview(fake, guild, owner, general)
    await fake.click(message, component_id(message, ":confirm:0"), owner.id)
    await fake.wait_for(lambda: "1/1 pair created" in current_text(fake, message), description="the summary")
    [channel] = pair_channels(fake, guild)
    fake.delete_channel(channel.id)
    await fake.wait_for(
        lambda: (
            len(pair_channels(fake, guild)) == 1
            and pair_channels(fake, guild)[0].id != channel.id
            and kickoffs(fake, pair_channels(fake, guild)[0])
        ),
        description="a new pair channel",
    )
    assert any("supprimé à la main" in m.content for m in fake.messages(mods_channel.id))

    async def relaunched() -> Pair | None:
        async with db.session() as session:
            pair = (await session.scalars(select(Pair))).one()
        return pair if pair.status == "active" else None

    pair = await eventually(relaunched, what="the pair active again")
    assert pair.channel_id == pair_channels(fake, guild)[0].id

    # Deleted while the bot was offline: noticed at start-up, reported, recreated.
    await bot.stop()
    fake.delete_channel(pair.channel_id)
    await bot.start()
    await fake.wait_for(
        lambda: (
            len(pair_channels(fake, guild)) == 1
            and pair_channels(fake, guild)[0].id != pair.channel_id
            and kickoffs(fake, pair_channels(fake, guild)[0])
        ),
        description="the channel recreated after a restart",
    )
    assert sum("supprimé à la main" in m.content for m in fake.messages(mods_channel.id)) == 2
