"""The Discord side of the bot: the client class, command tree and its error handler, checks,
reply helpers, views, DMs, command localizations and command sync.

Everything else in `bot/` (domain, services, db, scheduler, i18n, clock, settings) knows nothing of
Discord; the cogs and this package are where Discord payloads are read and written.
"""
