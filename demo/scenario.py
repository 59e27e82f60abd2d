"""The story the demo plays: a club's first mentoring cycle, from the bot's arrival to the moderators'
figures. Every step is a real interaction (a slash command, a click, a menu, a form) sent to the real
bot through the local Discord; the bot's own scheduled work happens as its clock moves on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from demo.community import Person, community
from demo.stage import PATIENCE, Stage, component_id
from fake_discord.models import Member

LYON = ZoneInfo("Europe/Paris")
START = datetime(2027, 3, 1, tzinfo=LYON)  # Monday 1 March 2027: the bot arrives on the server
WEEKS = 6


def local(day: datetime, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """That day at that hour in Lyon."""
    return day.replace(hour=hour, minute=minute, second=second, tzinfo=LYON)


@dataclass
class Duo:
    """A pair as the members see it: its private channel and its two members."""

    channel_id: int
    first: Member
    second: Member
    people: tuple[Person, Person]

    @property
    def french(self) -> bool:
        return all("fr" in p.languages for p in self.people)


class Story:
    def __init__(
        self, stage: Stage, seed: int, moderator: Member, moderators_channel: int, welcome_channel: int, role: int
    ) -> None:
        self.stage, self.fake = stage, stage.fake
        self.people = community(seed)
        self.moderator = moderator
        self.moderators_channel, self.welcome_channel, self.moderator_role = moderators_channel, welcome_channel, role
        self.members: dict[str, Member] = {}
        self.duos: list[Duo] = []
        self.weeks: dict[int, list[int]] = {}  # pair channel → its weekly messages' ids

    async def admin(self, subcommand: str, **options):
        """A moderator's `/mentoring-admin` command, typed in the moderators' channel."""
        return await self.stage.command(
            self.moderator, "mentoring-admin", subcommand, channel_id=self.moderators_channel, options=options or None
        )

    def person(self, member_id: int) -> Person:
        return next(p for p in self.people if self.members[p.handle].id == member_id)

    # -- chapter 1: the program opens --------------------------------------------------------------

    async def opening(self) -> None:
        """Nadia, who runs the club, sets the program up: moderators, channels, a weekly rhythm."""
        options = {
            "moderator-role": self.moderator_role,
            "moderators-channel": self.moderators_channel,
            "welcome-channel": self.welcome_channel,
            "language": "fr",
            "weekday": 0,  # Monday
            "time": "09:00",
            "timezone": "Europe/Paris",
            "cycle-months": 2,  # a short cycle: its mid-point comes in the fifth week
        }
        await self.stage.reply(await self.admin("setup", **options))

    async def arrivals(self) -> None:
        """Everyone arrives on the server, is welcomed by the bot in a DM, and joins the program."""
        for index, person in enumerate(self.people):
            await self.stage.at(local(START, 10, 0) + timedelta(minutes=7 * index), settle=index == 0)
            member = self.fake.add_member(
                self.stage.guild_id, name=person.handle, global_name=person.name, locale=person.locale
            )
            self.members[person.handle] = member
            await self.stage.until(lambda m=member: self.fake.dms(m.id), f"the welcome DM to {person.name}")
            await self.join(member, person)

    async def join(self, member: Member, person: Person) -> None:
        stage = self.stage
        command = await stage.command(member, "mentoring", "join")
        await command.response(timeout=PATIENCE)
        for suffix, values in (
            (":join:teach", person.teaches),
            (":join:learn", person.learns),
            (":join:languages", person.languages),
            (":join:in_person", ["yes" if person.in_person else "no"]),
        ):
            chosen = await stage.select(member, command, suffix, values)
            await chosen.response(timeout=PATIENCE)
        step = await stage.click(member, command, ":join:continue")
        await step.response(timeout=PATIENCE)
        zone_menu = command.original_message.component(component_id(command, ":join:timezone"))
        offered = {option["value"] for option in zone_menu["options"]}
        zone = person.zone if person.zone in offered else "other"
        opened = await stage.select(member, command, ":join:timezone", [zone])
        assert (await opened.response(timeout=PATIENCE)).type == 9, "choosing a zone opens the profile form"
        form = {
            "city": person.city,
            "availability": person.availability,
            "bio": person.bio,
            "objectives": person.objectives,
        }
        if zone == "other":
            form["timezone"] = person.zone
        submitted = await stage.submit(member, opened, form)
        await stage.reply(submitted)

    # -- chapter 2: the round --------------------------------------------------------------------

    async def round(self) -> None:
        """A moderator previews the round, confirms it; each pair gets its channel and its kickoff."""
        stage = self.stage
        await stage.at(local(START + timedelta(days=1), 10, 0))
        preview = await self.admin("match")
        message = await stage.reply(preview)
        await stage.later(minutes=2)
        await stage.click(self.moderator, message, ":confirm:0")
        expected = (len(self.people) - 1) // 2
        await stage.until(lambda: len(self.kickoffs()) == expected, f"{expected} pair channels with their kickoff")
        await stage.until(lambda: f"{expected}/{expected}" in self.fake.message(message.id).text, "the round's summary")
        for channel_id in sorted(self.kickoffs()):
            channel = self.fake.channel(channel_id)
            ids = [t for t, o in channel.overwrites.items() if o.type == 1 and t != self.fake.bot_user.id]
            first, second = (self.fake.member(stage.guild_id, i) for i in sorted(ids))
            self.duos.append(Duo(channel_id, first, second, (self.person(first.id), self.person(second.id))))
        # In the order the community arrived (the bot creates the channels concurrently).
        self.duos.sort(key=lambda duo: min(self.people.index(p) for p in duo.people))
        await stage.until(  # the round's outcome, told to the other moderators
            lambda: any(m.content.startswith("✅") for m in self.fake.messages(self.moderators_channel)),
            "the round's outcome in the moderators' channel",
        )
        paired = {m.id for duo in self.duos for m in (duo.first, duo.second)}
        for member in self.members.values():
            if member.id not in paired:  # told privately why no partner was found this time
                await stage.until(lambda m=member: len(self.fake.dms(m.id)) >= 2, f"the DM to {member.name}")

    def kickoffs(self) -> dict[int, object]:
        found = {}
        for channel in self.fake.channels(self.stage.guild_id, type=0):
            if channel.topic and "[binome:" in channel.topic:
                kickoff = [m for m in self.fake.messages(channel.id) if any(":charter" in c for c in m.custom_ids())]
                if kickoff:
                    found[channel.id] = kickoff[0]
        return found

    # -- chapter 3: the charters -----------------------------------------------------------------

    async def charter(self, duo: Duo, goal: str) -> None:
        """The pair opens its charter from the kickoff, writes it together, both sign: it is pinned."""
        stage = self.stage
        kickoff = self.kickoffs()[duo.channel_id]
        await stage.reply(await stage.click(duo.first, kickoff, ":charter"))
        panel = await stage.posted(duo.channel_id, ":sign", "the charter panel")
        french = duo.french
        frame = {
            "frequency": "Chaque semaine" if french else "Every week",
            "duration": "Une heure" if french else "One hour",
            "meeting_format": "D'abord en personne, puis en visio" if french else "In person first, then video",
            "confidentiality": "Ce qu'on se dit reste entre nous" if french else "What we share stays between us",
            "ending": "Un message suffit, sans se justifier" if french else "A message is enough, no reason needed",
        }
        await stage.form(duo.first, panel, ":frame", frame)
        for member, person in zip((duo.first, duo.second), duo.people, strict=True):
            await stage.form(member, panel, ":objectives", {"objectives": person.objectives})
        await stage.form(duo.second, panel, ":goal", {"shared_goal": goal})
        for member in (duo.first, duo.second):
            await stage.later(minutes=3)
            await stage.reply(await stage.click(member, panel, ":sign"))
        await stage.until(lambda: self.fake.pins(duo.channel_id), "the signed charter pinned")

    async def first_meeting(self, duo: Duo) -> None:
        """From the kickoff: the first meeting, planned for Saturday (in person when both can)."""
        in_person = all(p.in_person for p in duo.people) and duo.people[0].city == duo.people[1].city
        place = ("Café du Parc, " + duo.people[0].city) if in_person else ("En visio" if duo.french else "Video call")
        kickoff = self.kickoffs()[duo.channel_id]
        await self.stage.form(duo.second, kickoff, ":met", {"date": "2027-03-06", "time": "10:00", "place": place})

    async def rate_start(self, duo: Duo) -> None:
        """Each says where they stand on their objectives, from the pinned charter."""
        [pinned] = self.fake.pins(duo.channel_id)
        for member in (duo.first, duo.second):
            await self.stage.form(member, pinned, ":start:rate", {"objective-1": "2", "goal": "1"})

    # -- chapter 4: the weeks --------------------------------------------------------------------

    def weekly_messages(self, duo: Duo) -> list:
        """The pair's weekly messages ("who mentors whom this week"), oldest first."""
        return [self.fake.message(i) for i in self.weeks.setdefault(duo.channel_id, [])]

    async def week_starts(self, week: int, active: list[Duo]) -> None:
        """Monday 09:00: the weekly message (who mentors whom); week 1 is sent by hand (remind-now)."""
        stage = self.stage
        monday = START + timedelta(weeks=week - 1)
        if week == 1:
            await stage.at(local(monday + timedelta(days=1), 11, 0))
            await stage.reply(await self.admin("remind-now"))
        else:
            await stage.at(local(monday, 9, 0, 30))
        for duo in active:
            known = self.weeks.setdefault(duo.channel_id, [])

            def new_one(duo=duo, known=known):
                return [
                    m
                    for m in self.fake.messages(duo.channel_id)
                    if m.id not in known and any(c.startswith("binome:week:") for c in m.custom_ids())
                ]

            [message] = await stage.until(new_one, f"week {week}'s message to {duo.first.name} and {duo.second.name}")
            known.append(message.id)

    async def log(self, duo: Duo, minutes: int, mode: str = "video") -> None:
        """`/pair log`: a session held (led by this week's mentor, the bot's default)."""
        options = {"held": True, "format": mode, "minutes": minutes}
        logged = await self.stage.command(duo.second, "pair", "log", channel_id=duo.channel_id, options=options)
        await self.stage.reply(logged)

    async def log_with_button(self, duo: Duo, weekly_message, note: str) -> None:
        """The weekly message's "Log a session" button: two menus, then a short form."""
        stage = self.stage
        opened = await stage.click(duo.first, weekly_message, ":log")
        await opened.response(timeout=PATIENCE)
        await (await stage.select(duo.first, opened, ":log:held", ["yes"])).response(timeout=PATIENCE)
        await (await stage.select(duo.first, opened, ":log:mode", ["in_person"])).response(timeout=PATIENCE)
        modal = await stage.click(duo.first, opened, ":log:continue")
        assert (await modal.response(timeout=PATIENCE)).type == 9
        await stage.reply(await stage.submit(duo.first, modal, {"note": note}))

    async def swap(self, duo: Duo) -> None:
        """The one being mentored this week offers to lead instead; the partner accepts."""
        stage = self.stage
        await (await stage.command(duo.second, "pair", "swap", channel_id=duo.channel_id)).response(timeout=PATIENCE)
        proposal = await stage.posted(duo.channel_id, "binome:swap:", "the swap proposal")
        await stage.later(hours=2)
        await (await stage.click(duo.first, proposal, proposal.custom_ids()[0].split(":", 2)[-1])).response()

    async def skip(self, duo: Duo, weekly_message) -> None:
        """One proposes to skip the week (holidays); the partner agrees."""
        stage = self.stage
        await (await stage.click(duo.first, weekly_message, ":skip")).response(timeout=PATIENCE)
        proposal = await stage.posted(duo.channel_id, "binome:weekskip:", "the skip proposal")
        await stage.later(hours=1)
        await (await stage.click(duo.second, proposal, proposal.custom_ids()[0].split(":", 2)[-1])).response()

    async def slot(self, duo: Duo) -> None:
        """A weekly slot, proposed and accepted: the bot posts a calendar invite (.ics)."""
        stage = self.stage
        options = {"day": 1, "time": "18:00", "length": 60}
        await stage.reply(await stage.command(duo.first, "pair", "slot", channel_id=duo.channel_id, options=options))
        proposal = await stage.posted(duo.channel_id, ":accept", "the slot proposal")
        await (await stage.click(duo.second, proposal, ":accept")).response(timeout=PATIENCE)
        await stage.until(
            lambda: any(a.filename.endswith(".ics") for m in self.fake.messages(duo.channel_id) for a in m.attachments),
            "the calendar invite",
        )

    # -- chapter 5: mid-cycle and an ending ------------------------------------------------------

    def cycle_message(self, duo: Duo, stage_name: str):
        found = [
            m for m in self.fake.messages(duo.channel_id) if any(f":{stage_name}:continue" in c for c in m.custom_ids())
        ]
        return found[-1] if found else None

    async def mid_cycle(self, duos: list[Duo], rated: Duo) -> None:
        stage = self.stage
        for duo in duos:
            await stage.until(lambda d=duo: self.cycle_message(d, "mid"), f"the mid-cycle check-in of {duo.first.name}")
        mid = self.cycle_message(rated, "mid")
        await stage.later(hours=3)
        await (await stage.click(rated.second, mid, ":mid:continue")).response(timeout=PATIENCE)
        first = await stage.form(rated.first, mid, ":mid:rate", {"objective-1": "4", "goal": "3"})
        answer = await stage.reply(first)
        await (await stage.click(rated.first, answer, ":mid:led-equal")).response(timeout=PATIENCE)
        await stage.form(rated.second, mid, ":mid:rate", {"objective-1": "3", "goal": "3"})
        await stage.until(
            lambda: len(self.fake.messages(rated.channel_id)) and self.progress_card(rated), "the progress card"
        )

    def progress_card(self, duo: Duo) -> list:
        return [
            m
            for m in self.fake.messages(duo.channel_id)
            if m.embeds and ("mi-cycle" in m.content or "mid-cycle" in m.content)
        ]

    async def ending(self, duo: Duo) -> None:
        """One proposes to end the pair, the other confirms; each rates the pair privately by DM."""
        stage = self.stage
        proposal = await stage.reply(await stage.command(duo.first, "pair", "end", channel_id=duo.channel_id))
        await stage.later(hours=2)
        await (await stage.click(duo.second, proposal, ":confirm")).response(timeout=PATIENCE)
        for member, stars, comment in (
            (duo.first, "5", "Très enrichissant, merci !" if duo.french else "Really worthwhile, thank you!"),
            (duo.second, "4", "On a manqué de temps" if duo.french else "We ran out of time"),
        ):
            request = await stage.until(
                lambda m=member: [d for d in self.fake.dms(m.id) if any(c.endswith(":1") for c in d.custom_ids())],
                f"the rating request to {member.name}",
            )
            await stage.later(minutes=20)
            await (await stage.click(member, request[0], f":{stars}")).response(timeout=PATIENCE)
            await stage.form(member, request[0], ":comment", {"comment": comment})
        await stage.until(
            lambda: sum("★" in m.content for m in self.fake.messages(self.moderators_channel)) >= 4,
            "the ratings in the moderators' channel",
        )

    # -- chapter 6: the moderators' console ------------------------------------------------------

    async def console(self) -> None:
        stage = self.stage
        for subcommand in ("pairs", "stats", "export"):
            await stage.later(minutes=5)
            await stage.reply(await self.admin(subcommand))

    # -- the whole cycle -------------------------------------------------------------------------

    async def play(self) -> None:
        stage = self.stage
        await self.opening()
        await self.arrivals()
        await self.round()
        # Four pairs with a part to play (the seed decides which); the others simply meet every week.
        model, swapper, leaver, skipper, *_, silent = self.duos
        await self.week_starts(1, self.duos)  # Tuesday 11:00: a moderator sends this week's messages now
        await stage.at(local(START + timedelta(days=1), 12, 30))
        for duo in self.duos:
            if duo is not silent:
                await self.first_meeting(duo)
        await stage.at(local(START + timedelta(days=1), 18, 0))
        for duo, goal in zip((model, swapper, leaver), GOALS, strict=True):
            await self.charter(duo, goal[0] if duo.french else goal[1])
        await self.rate_start(model)
        await self.slot(model)
        active = list(self.duos)
        for week in range(1, WEEKS + 1):
            monday = START + timedelta(weeks=week - 1)
            if week > 1:
                await self.week_starts(week, active)
            await stage.at(local(monday + timedelta(days=1), 19, 30))  # Tuesday evening: the sessions
            for index, duo in enumerate(active):
                this_week = self.weekly_messages(duo)[week - 1]
                if duo is silent:
                    continue
                if duo is swapper and week == 2:
                    await self.swap(duo)
                if duo is skipper and week == 3:
                    await self.skip(duo, this_week)
                    continue
                await stage.later(minutes=11, settle=False)  # (the session's log is its own answer)
                if duo is model and week % 2:
                    await self.log_with_button(duo, this_week, NOTES[week % len(NOTES)][0 if duo.french else 1])
                else:
                    await self.log(duo, 30 + 15 * ((index + week) % 4), "in_person" if week == 1 else "video")
            await stage.at(local(monday + timedelta(days=3), 10, 0))  # Thursday: pairs with no session are nudged
            if week == 1:
                await stage.posted(silent.channel_id, "👋", "the nudge to the silent pair")
                await stage.at(local(monday + timedelta(days=4), 10, 0))  # Friday: first meetings tomorrow
            if week == 4:
                await stage.posted(self.moderators_channel, "⚠️", "the moderators' report about the silent pair")
            if week == 5:
                await stage.at(local(START + timedelta(days=32), 14, 0))  # Friday 2 April: past the cycle's mid-point
                await self.mid_cycle(active, model)
            if week == 6:
                await stage.at(local(monday + timedelta(days=2), 18, 0))
                await self.ending(leaver)
                active.remove(leaver)
        await stage.at(local(START + timedelta(weeks=WEEKS - 1, days=4), 17, 0))  # Friday: the moderators look
        await self.console()


GOALS = (  # (French, English)
    (
        "Écrire un article à deux sur la finance des réseaux sociaux",
        "Write an article together on money and social media",
    ),
    ("Organiser un atelier au club sur la vente en ligne", "Run a workshop at the club on selling online"),
    ("Visiter ensemble le salon des entrepreneurs", "Visit the entrepreneurs' fair together"),
)
NOTES = (
    ("Atelier SEO sur le site du cabinet", "SEO workshop on the shop's website"),
    ("Lecture d'un bilan, ligne par ligne", "Reading a balance sheet, line by line"),
    ("Plan de la boutique en ligne", "Planning the online shop"),
    ("Tarifs, devis et conditions de vente", "Prices, quotes and terms of sale"),
)
