"""`/mentoring-admin setup`: showing and changing the program's settings, refusing bad values."""

from __future__ import annotations


async def test_setup_shows_changes_and_refuses_bad_values(fake, bot):
    guild = fake.add_guild("Club", preferred_locale="fr")
    fake.add_text_channel(guild.id, "general")
    owner = fake.member(guild.id, guild.owner_id)
    role = fake.add_role(guild.id, "Mentors")
    await bot.start()

    async def setup(**options) -> str:
        command = await fake.slash_command(
            guild.id, owner.id, "mentoring-admin", subcommand="setup", options=options, locale="en-US"
        )
        return (await command.response()).content

    current = await setup()
    assert "Current settings" in current
    assert "Weekly message: Monday at 09:00 (America/Toronto)" in current and "Cycle length: 6 months" in current

    changed = await setup(
        **{"weekday": 3, "time": "8:30", "timezone": "europe/paris", "cycle-months": 4, "moderator-role": role}
    )
    assert "Settings saved" in changed
    assert "Weekly message: Thursday at 08:30 (Europe/Paris)" in changed and "Cycle length: 4 months" in changed
    assert f"<@&{role.id}>" in changed

    assert "is not a time of day" in await setup(time="25:00")
    assert "is not a time zone I know" in await setup(timezone="Paris")
    # Files of the time-zone database that are not zones (`localtime` would mean the host's zone).
    for artefact in ("localtime", "posixrules", "Factory", "posix/Europe/Paris", "right/UTC"):
        assert f"“{artefact}” is not a real time zone" in await setup(timezone=artefact)
    assert "Thursday at 08:30 (Europe/Paris)" in await setup(), "refused values changed nothing"

    # A member with the moderator role but without Manage Server may run the program's commands
    # (once a server admin allows the command for that role in the Integrations settings).
    mentor = fake.add_member(guild.id, name="mentor", roles=[role.id])
    fake.rules.enforce_command_permissions = False
    command = await fake.slash_command(guild.id, mentor.id, "mentoring-admin", subcommand="setup", locale="fr")
    assert "Réglages actuels" in (await command.response()).content
