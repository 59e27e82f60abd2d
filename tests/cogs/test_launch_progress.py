"""A launch that will take minutes says so: the estimate (modelled pace, then observed) and its text."""

from cogs.admin.rounds_view import progress_text
from cogs.pair_channels.launcher import OBSERVED_AFTER, SECONDS_PER_CHANNEL, LaunchEstimate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_estimate_starts_from_discords_pace_then_follows_the_observed_one():
    clock = Clock()
    estimate = LaunchEstimate(200, clock)
    assert estimate.remaining_seconds(0) == 200 * SECONDS_PER_CHANNEL
    clock.now = 5.0
    assert estimate.remaining_seconds(10) == 190 * SECONDS_PER_CHANNEL, "too early to trust the first burst"
    clock.now = 60.0
    assert estimate.remaining_seconds(OBSERVED_AFTER * 2) == (200 - 40) * 1.5, "40 pairs in 60 s: 1.5 s each"
    assert estimate.remaining_seconds(200) == 0


def test_a_launch_of_minutes_says_how_many_in_the_moderators_language():
    assert progress_text(0, 200, 200, "en") == (
        "Creating the pair channels… 0/200 — about 4 minutes left (Discord limits how fast a bot may create channels)."
    )
    assert progress_text(150, 200, 50, "en") == "Creating the pair channels… 150/200", "under a minute: no estimate"
    assert "about 1 minute left" in progress_text(140, 200, 60, "en"), "singular"
    assert "encore 1 minute environ" in progress_text(140, 200, 60, "fr"), "French: one"
    assert "encore 3 minutes environ" in progress_text(20, 200, 150, "fr")
    assert progress_text(5, 10, 5, "fr") == "Création des salons des binômes… 5/10"
