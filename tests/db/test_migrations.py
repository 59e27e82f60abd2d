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
