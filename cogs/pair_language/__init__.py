"""Languages: `/pair language` [`/binome langue`] (the pair chooses the language of its channel and of
the DMs about it), the notice when a profile edit leaves the pair without a language both speak, and
remembering each member's Discord locale for their DMs (`Binome.member_locale`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.pair_language.cog import PairLanguage

if TYPE_CHECKING:
    from bot.client.bot import Binome


async def setup(bot: Binome) -> None:
    await bot.add_cog(PairLanguage(bot))
