"""Who reads which language (PRODUCT.md, "Languages"). Pure rules: no Discord, no database.

The bot translates a few languages (`translated`, in the order it prefers them); members speak others
too. Every public text is written in one language chosen here:

- a pair's channel, and the DMs about the pair: `pair_language`, stored on the pair when it is formed;
- a member's other DMs: `member_language`;
- the moderators' channel and reports: the program's language (decided by the caller: `setup`'s
  choice, else the server's Discord language, else the default).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence


def pair_language(first: Collection[str], second: Collection[str], program: str, translated: Sequence[str]) -> str:
    """The pair's language: one both members speak that the bot translates, the program's when they
    share several. Matching guarantees a shared language, but maybe one the bot does not translate:
    then one that either member speaks (the program's first), and failing that the program's."""
    if not translated:
        return program

    def rank(language: str) -> tuple[int, bool, int]:
        speakers = (language in first) + (language in second)
        return -speakers, language != program, translated.index(language)

    return min(translated, key=rank)


def member_language(
    chosen: Collection[str], discord_language: str | None, program: str, translated: Sequence[str]
) -> str:
    """A member's DM language: among the languages they chose that the bot translates, the one their
    Discord client uses, else the program's, else the first; when they chose none the bot translates,
    their Discord client's language (if translated), else the program's."""
    spoken = [language for language in translated if language in chosen]
    if discord_language in spoken:
        return discord_language  # type: ignore[return-value]
    if spoken:
        return program if program in spoken else spoken[0]
    if discord_language is not None and discord_language in translated:
        return discord_language
    return program


def both_speak(language: str, first: Collection[str], second: Collection[str]) -> bool:
    """Whether the pair's language is still one both members chose (after a profile edit it may not be)."""
    return language in first and language in second
