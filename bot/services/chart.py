"""The `stats` chart: sessions held per week (bars) and active pairs (line), as a PNG.

matplotlib with its Agg backend, through the object API (one `Figure` per call, no pyplot global
state), so it can run in a worker thread: the caller renders it off the event loop
(`asyncio.to_thread(render_chart, ...)`). Axis labels and dates come localized from the caller.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

SESSIONS_COLOUR = "#5865F2"  # Discord's blurple
PAIRS_COLOUR = "#ED4245"
# matplotlib's object API is fine in a worker thread, but its font and text caches are shared:
# two charts rendered at once (two moderators) take turns.
_RENDERING = threading.Lock()


@dataclass(frozen=True, slots=True)
class ChartText:
    title: str
    x_label: str
    sessions_label: str
    pairs_label: str
    week_labels: list[str]  # one per week, e.g. "30 nov."


def render_chart(sessions: list[int], active_pairs: list[int], text: ChartText) -> bytes:
    with _RENDERING:
        return _render(sessions, active_pairs, text)


def _render(sessions: list[int], active_pairs: list[int], text: ChartText) -> bytes:
    figure = Figure(figsize=(8, 4.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(sessions)))
    axes.bar(positions, sessions, color=SESSIONS_COLOUR, label=text.sessions_label)
    axes.set_ylabel(text.sessions_label, color=SESSIONS_COLOUR)
    axes.set_xlabel(text.x_label)
    axes.set_xticks(positions, text.week_labels, rotation=45, ha="right", fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    pairs_axes = axes.twinx()
    pairs_axes.plot(positions, active_pairs, color=PAIRS_COLOUR, marker="o", label=text.pairs_label)
    pairs_axes.set_ylabel(text.pairs_label, color=PAIRS_COLOUR)
    pairs_axes.set_ylim(bottom=0)
    pairs_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(text.title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
