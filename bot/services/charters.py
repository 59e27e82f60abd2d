"""The pair charter: writing it (frame, each member's objectives, the shared goal), signing it,
and following the shared goal's progress. The use cases behind `/pair charter` and `/pair goal`.

No Discord here. Every change runs in one transaction that first locks the charter row (creating it
when needed), so two members acting at the same moment are serialised: an edit and a signature
cannot cross, and exactly one of two simultaneous signatures sees that both have now signed.
Changing what was signed clears both signatures.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.models import Charter, Pair
from bot.domain.charter import (
    FRAME_PARTS,
    MAX_NOTE,
    REQUIRED_TO_SIGN,
    TooLong,
    clean,
    missing_to_sign,
    too_long,
    valid_progress,
)


class NotInPair(LookupError):
    """The user is not one of the pair's two members (callers check this first)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """The outcome of a change: refused (`too_long`, nothing stored) or saved."""

    charter: Charter | None
    too_long: list[TooLong] = field(default_factory=list)
    changed: bool = False
    signatures_cleared: bool = False

    @property
    def saved(self) -> bool:
        return not self.too_long


class Signature(enum.Enum):
    SIGNED = "signed"  # signed; waiting for the partner
    BOTH_SIGNED = "both_signed"  # this signature completed the charter
    ALREADY_SIGNED = "already_signed"
    INCOMPLETE = "incomplete"  # parts are still empty: see `missing`


@dataclass(frozen=True, slots=True)
class SignOutcome:
    result: Signature
    charter: Charter
    missing: list[str] = field(default_factory=list)


def side_of(pair: Pair, user_id: int) -> str:
    """ "a" or "b": which of the pair's columns belong to `user_id`."""
    if user_id == pair.member_a_id:
        return "a"
    if user_id == pair.member_b_id:
        return "b"
    raise NotInPair(f"user {user_id} is not in pair {pair.id}")


def parts_of(charter: Charter) -> dict[str, str]:
    """Every part that is signed, by name (the names of `REQUIRED_TO_SIGN`)."""
    return {part: getattr(charter, part) for part in REQUIRED_TO_SIGN}


def is_signed(charter: Charter) -> bool:
    return charter.signed_a_at is not None and charter.signed_b_at is not None


class Charters:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # --- reading ------------------------------------------------------------------------------

    async def get(self, pair_id: int) -> Charter | None:
        async with self._db.session() as session:
            return await session.get(Charter, pair_id)

    async def get_or_create(self, pair_id: int) -> Charter:
        async with self._db.session() as session:
            return await self._locked(session, pair_id)

    async def _locked(self, session: AsyncSession, pair_id: int) -> Charter:
        """The pair's charter, created if needed, locked until the transaction ends.

        The insert comes first on purpose: on SQLite it takes the write lock before anything is
        read (so what follows reads the latest state); on PostgreSQL the row is then locked with
        SELECT ... FOR UPDATE.
        """
        insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await session.execute(
            insert(Charter)
            .values(pair_id=pair_id, updated_at=self._clock.now())
            .on_conflict_do_nothing(index_elements=[Charter.pair_id])
        )
        query = select(Charter).where(Charter.pair_id == pair_id).with_for_update()
        return (await session.scalars(query.execution_options(populate_existing=True))).one()

    async def _pair(self, session: AsyncSession, pair_id: int) -> Pair:
        pair = await session.get(Pair, pair_id)
        if pair is None:
            raise LookupError(f"no pair {pair_id}")
        return pair

    # --- writing what is signed ---------------------------------------------------------------

    async def _edit(self, pair_id: int, values: Mapping[str, str], limits: Mapping[str, str] | None = None) -> Edit:
        """Store `values` (column → text) if every text is within its limit; clear the signatures
        when what was signed changes. `limits` maps a column to its part name in `LIMITS`."""
        problems = too_long({(limits or {}).get(column, column): text for column, text in values.items()})
        if problems:
            return Edit(None, problems)
        async with self._db.session() as session:
            await self._pair(session, pair_id)
            charter = await self._locked(session, pair_id)
            cleaned = {column: clean(text) for column, text in values.items()}
            changed = any(getattr(charter, column) != text for column, text in cleaned.items())
            if not changed:
                return Edit(charter)
            for column, text in cleaned.items():
                setattr(charter, column, text)
            cleared = charter.signed_a_at is not None or charter.signed_b_at is not None
            charter.signed_a_at = charter.signed_b_at = None
            charter.updated_at = self._clock.now()
            return Edit(charter, changed=True, signatures_cleared=cleared)

    async def update_frame(self, pair_id: int, frame: Mapping[str, str]) -> Edit:
        """The frame (either member): `frame` maps parts of `FRAME_PARTS` to their text."""
        unknown = set(frame) - set(FRAME_PARTS)
        if unknown:
            raise ValueError(f"not parts of the frame: {sorted(unknown)}")
        return await self._edit(pair_id, frame)

    async def update_objectives(self, pair_id: int, user_id: int, text: str) -> Edit:
        """`user_id`'s own personal objectives (each member writes only their own)."""
        async with self._db.session() as session:
            side = side_of(await self._pair(session, pair_id), user_id)
        column = f"objectives_{side}"
        return await self._edit(pair_id, {column: text}, {column: "objectives"})

    async def update_goal(self, pair_id: int, text: str) -> Edit:
        """The shared goal's text (part of what is signed; its progress is not)."""
        return await self._edit(pair_id, {"shared_goal": text})

    # --- signing ------------------------------------------------------------------------------

    async def sign(self, pair_id: int, user_id: int) -> SignOutcome:
        async with self._db.session() as session:
            side = side_of(await self._pair(session, pair_id), user_id)
            charter = await self._locked(session, pair_id)
            column = f"signed_{side}_at"
            if getattr(charter, column) is not None:
                return SignOutcome(Signature.ALREADY_SIGNED, charter)
            missing = missing_to_sign(parts_of(charter))
            if missing:
                return SignOutcome(Signature.INCOMPLETE, charter, missing)
            setattr(charter, column, self._clock.now())
            if not is_signed(charter):
                return SignOutcome(Signature.SIGNED, charter)
            charter.signed_versions += 1
            return SignOutcome(Signature.BOTH_SIGNED, charter)

    # --- the shared goal's progress (not part of what is signed) ------------------------------

    async def set_progress(self, pair_id: int, progress: int | None, note: str | None) -> Edit:
        """Update how far the shared goal is (percent) and/or a note on it; signatures stay."""
        if progress is not None and not valid_progress(progress):
            raise ValueError(f"progress {progress} is not a percentage")
        if note is not None and len(clean(note)) > MAX_NOTE:
            return Edit(None, [TooLong("goal_note", MAX_NOTE, len(clean(note)))])
        async with self._db.session() as session:
            charter = await self._locked(session, pair_id)
            if progress is not None:
                charter.goal_progress = progress
            if note is not None:
                charter.goal_note = clean(note)
            charter.updated_at = self._clock.now()
            return Edit(charter, changed=True)

    # --- the Discord messages showing it ------------------------------------------------------

    async def record_panel(self, pair_id: int, message_id: int) -> int | None:
        """The charter panel is now `message_id`; returns the previous panel's id."""
        async with self._db.session() as session:
            charter = await self._locked(session, pair_id)
            previous, charter.panel_message_id = charter.panel_message_id, message_id
            return previous

    async def record_pinned(self, pair_id: int, message_id: int) -> int | None:
        """The signed charter pinned now is `message_id`; returns the one pinned before."""
        async with self._db.session() as session:
            charter = await self._locked(session, pair_id)
            previous, charter.pinned_message_id = charter.pinned_message_id, message_id
            return previous
