from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.db.engine import Database
from bot.db.migrate import current_and_head
from bot.db.models import Base


async def test_migrations_reach_head_and_match_the_models(database: Database):
    current, head = await current_and_head(database.engine)
    assert current == head is not None

    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with database.engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_the_newest_revision_the_bot_reads_is_alembics() -> None:
    # The running bot reads the head without importing Alembic (memory): both must agree.
    from alembic.script import ScriptDirectory

    from bot.db.migrate import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head() is not None


async def test_a_database_never_migrated_has_no_revision(tmp_path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        current, head = await current_and_head(database.engine)
    finally:
        await database.close()
    assert current is None and head is not None
