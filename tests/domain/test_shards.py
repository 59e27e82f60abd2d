import pytest

from bot.domain.shards import (
    ShardConfigError,
    describe_ids,
    describe_shards,
    identify_bucket,
    parse_shard_ids,
    shard_of,
)


def test_discords_rule_for_the_shard_of_a_guild():
    # (guild_id >> 22) % shard_count: the timestamp part of the snowflake decides.
    guild = 197038439483310086  # a real snowflake: timestamp 46977350000...
    assert shard_of(guild, 1) == 0
    assert shard_of(guild, 3) == (guild >> 22) % 3
    assert [shard_of((n << 22) | 12345, 4) for n in range(6)] == [0, 1, 2, 3, 0, 1]


def test_identify_buckets():
    assert [identify_bucket(s, 1) for s in range(3)] == [0, 0, 0]
    assert [identify_bucket(s, 16) for s in (0, 15, 16, 17)] == [0, 15, 0, 1]
    assert identify_bucket(5, 0) == 0  # never divide by zero


def test_shard_ids_lists_and_ranges():
    assert parse_shard_ids("0,1", 2) == (0, 1)
    assert parse_shard_ids("0-3", 4) == (0, 1, 2, 3)
    assert parse_shard_ids(" 5, 0 - 2 ", 6) == (0, 1, 2, 5)
    assert parse_shard_ids("2", 3) == (2,)
    with pytest.raises(ShardConfigError, match="outside SHARD_COUNT=2"):
        parse_shard_ids("0-2", 2)


def test_described_for_people():
    assert describe_ids([0, 1, 2, 5, 7, 8]) == "0-2, 5, 7-8"
    assert describe_shards([1], 3) == "shard 1 of 3"
    assert describe_shards(range(3), 3) == "shards 0-2 of 3"
