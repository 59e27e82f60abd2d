import pytest

from bot.settings import Secret, Settings, SettingsError, normalise_database_url


def test_database_urls_get_async_drivers():
    assert normalise_database_url("postgresql://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert normalise_database_url("sqlite+aiosqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_secret_never_shows_in_repr():
    settings = Settings(discord_token=Secret("abc.def.ghi"))
    assert "abc" not in repr(settings)
    assert settings.discord_token.reveal() == "abc.def.ghi"


def test_from_env_reads_and_validates(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", " tok ")
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@y/z")
    monkeypatch.setenv("DEV_GUILD_ID", "123")
    monkeypatch.setenv("DEFAULT_LOCALE", "EN")
    settings = Settings.from_env(env_file=None)
    assert settings.discord_token.reveal() == "tok"
    assert settings.database_url == "postgresql+asyncpg://x@y/z"
    assert settings.dev_guild_id == 123
    assert settings.default_locale == "en"

    monkeypatch.setenv("DEV_GUILD_ID", "my server")
    with pytest.raises(SettingsError, match="DEV_GUILD_ID"):
        Settings.from_env(env_file=None)
    monkeypatch.setenv("DEV_GUILD_ID", "")
    monkeypatch.setenv("DEFAULT_LOCALE", "de")
    with pytest.raises(SettingsError, match="DEFAULT_LOCALE"):
        Settings.from_env(env_file=None)


def test_the_global_rate_is_a_budget_of_requests_per_second(monkeypatch):
    monkeypatch.delenv("DISCORD_GLOBAL_RATE", raising=False)
    assert Settings.from_env(env_file=None).global_rate == 50, "Discord's global limit per bot token"
    monkeypatch.setenv("DISCORD_GLOBAL_RATE", "25")  # e.g. two processes sharing one token
    assert Settings.from_env(env_file=None).global_rate == 25
    monkeypatch.setenv("DISCORD_GLOBAL_RATE", "0")
    assert Settings.from_env(env_file=None).global_rate == 0, "no pacing"
    for wrong in ("-5", "fast", "12.5"):
        monkeypatch.setenv("DISCORD_GLOBAL_RATE", wrong)
        with pytest.raises(SettingsError, match="DISCORD_GLOBAL_RATE"):
            Settings.from_env(env_file=None)
