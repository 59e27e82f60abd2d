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


def test_shards_from_env(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@y/z")
    monkeypatch.delenv("SHARD_COUNT", raising=False)
    monkeypatch.delenv("SHARD_IDS", raising=False)
    settings = Settings.from_env(env_file=None)
    assert (settings.shard_count, settings.shard_ids) == (None, None)  # one process, Discord's count

    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "0-1, 3")
    settings = Settings.from_env(env_file=None)
    assert (settings.shard_count, settings.shard_ids) == (4, (0, 1, 3))
    monkeypatch.setenv("SHARD_IDS", "")
    assert Settings.from_env(env_file=None).shard_ids is None  # SHARD_COUNT alone: all 4 in this process


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [
        ("3", "0,3", r"SHARD_IDS 3 outside SHARD_COUNT=3: shard ids go from 0 to 2"),
        ("4", "2-5", r"SHARD_IDS 4-5 outside SHARD_COUNT=4"),
        ("4", "0,1,1", r"SHARD_IDS lists shard 1 more than once"),
        ("4", "0-2,1-3", r"SHARD_IDS lists shard 1-2 more than once"),
        ("4", "0;1", r"like 0,1 or 0-3"),
        ("4", "3-1", r"goes backwards; write 1-3"),
        ("4", "0,,1", r"like 0,1 or 0-3"),
        ("", "0,1", r"SHARD_IDS=0,1 needs SHARD_COUNT"),
        ("0", "", r"SHARD_COUNT must be 1 or more"),
        ("two", "", r"SHARD_COUNT must be a whole number"),
    ],
)
def test_bad_shard_settings_are_refused(monkeypatch, count, ids, message):
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@y/z")
    monkeypatch.setenv("SHARD_COUNT", count)
    monkeypatch.setenv("SHARD_IDS", ids)
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env_file=None)


def test_shards_on_sqlite_are_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///data/x.db")
    monkeypatch.setenv("SHARD_COUNT", "3")
    monkeypatch.setenv("SHARD_IDS", "1")
    with pytest.raises(SettingsError, match=r"\(shard 1 of 3\) split the bot .* DATABASE_URL is SQLite"):
        Settings.from_env(env_file=None)
