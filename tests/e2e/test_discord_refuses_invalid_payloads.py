"""The local fake Discord refuses what Discord refuses: spec-invalid variants of the bot's real request
bodies (captured from the fake's request log during a short run of the real bot) are each answered
400 ``50035 Invalid Form Body`` with Discord's ``errors`` tree pointing at what was changed."""

from __future__ import annotations

import copy
from typing import Any

import aiohttp

from fake_discord import FakeDiscord, RequestRecord, validate
from tests.conftest import fresh_database_url
from tests.e2e.bot_process import BotProcess
from tests.e2e.invalid_payloads import VARIANTS, Variant
from tests.e2e.real_payloads import KINDS, real_bodies, real_traffic


def _error_paths(tree: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not isinstance(tree, dict):
        return []
    found = [path] if "_errors" in tree else []
    for key, value in tree.items():
        if key != "_errors":
            found += _error_paths(value, (*path, key))
    return found


def _points_at(errors: Any, expected: tuple[Any, ...]) -> bool:
    """An error is reported where the variant changed the body: at or under ``expected``, or on the
    object holding the changed field (a ``type`` Discord cannot dispatch, a missing field)."""
    want = tuple(str(part) for part in expected)
    return any(p[: len(want)] == want or p == want[:-1] for p in _error_paths(errors))


async def _send(http: aiohttp.ClientSession, fake: FakeDiscord, record: RequestRecord, body: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {fake.token}"}
    async with http.request(record.method, fake.api_base_url + record.path, json=body, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def test_each_spec_invalid_variant_of_the_bots_payloads_is_refused_with_50035(tmp_path):
    async with FakeDiscord() as fake:
        fake.rules.validate_responses = True
        bot = BotProcess.for_fake(fake, await fresh_database_url("sqlite", tmp_path), tmp_path)
        await bot.migrate()
        try:
            await real_traffic(fake, bot)
        finally:
            await bot.stop()
        assert fake.invalid_requests == [], "the bot itself sent bodies Discord refuses"

        real = real_bodies(fake)
        assert not [kind for kind in KINDS if kind not in real], "the run did not send every kind of body"
        for record in real.values():
            validate.request(record.route, record.payload)  # the unchanged body passes

        accepted: list[str] = []
        async with aiohttp.ClientSession() as http:
            for variant in VARIANTS:
                record = real[variant.kind]
                body = copy.deepcopy(record.payload)
                expected = variant.mutate(body)
                status, answer = await _send(http, fake, record, body)
                refused = status == 400 and answer.get("code") == 50035
                if not (refused and _points_at(answer.get("errors"), expected)):
                    accepted.append(f"{variant.name} ({variant.kind}): {status} {answer}, expected at {expected}")
        assert len(VARIANTS) >= 73 and {v.kind for v in VARIANTS} == set(KINDS)
        assert accepted == [], f"{len(accepted)} of {len(VARIANTS)} invalid variants were not refused:\n" + "\n".join(
            accepted
        )


def test_every_variant_has_a_distinct_name():
    names = [v.name for v in VARIANTS]
    assert len(set(names)) == len(names) and all(isinstance(v, Variant) for v in VARIANTS)
