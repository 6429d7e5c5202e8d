"""The report's figures: matplotlib PNGs as data URIs, labelled axes, legends, readable sizes.

Each function takes a run's summary (and records) and returns ``(title, data URI)`` pairs;
a figure whose data is absent is left out rather than drawn empty.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from exdesk.evals.records import RunSummary, SampleRecord

Plot = tuple[str, str]
"""A figure's title and its PNG as a data URI."""


def _canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure of that size in inches (no pyplot: nothing global, no display needed)."""
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    axis = figure.subplots()
    axis.grid(alpha=0.3)
    return figure, axis


def data_uri(figure: Figure) -> str:
    """The figure as an inline PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def reliability_diagram(bins: Sequence[dict[str, Any]], title: str) -> str:
    """Accuracy against mean confidence per bin, the diagonal for perfect calibration, and
    how many samples each bin holds."""
    figure, axis = _canvas(6.4, 5.2)
    axis.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    centres = [(b["low"] + b["high"]) / 2 for b in bins]
    axis.bar(
        centres,
        [b["accuracy"] for b in bins],
        width=0.09,
        alpha=0.6,
        color="tab:blue",
        edgecolor="black",
        label="accuracy in bin",
    )
    axis.plot(
        [b["confidence"] for b in bins],
        [b["accuracy"] for b in bins],
        marker="o",
        color="tab:red",
        label="accuracy at mean confidence",
    )
    for centre, b in zip(centres, bins, strict=True):
        axis.annotate(f"n={b['count']}", (centre, 0.02), ha="center", fontsize=8, rotation=90)
    axis.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="confidence", ylabel="accuracy", title=title)
    axis.legend(loc="upper left")
    return data_uri(figure)


def risk_coverage_plot(tables: dict[str, Any]) -> str:
    """Risk against coverage, with the policy's operating point marked."""
    curve = tables["risk_coverage"]
    figure, axis = _canvas(6.4, 5.2)
    axis.step(
        [p["coverage"] for p in curve],
        [p["risk"] for p in curve],
        where="post",
        color="tab:blue",
        label="risk at coverage",
    )
    point = tables.get("policy_point") or {}
    if point.get("coverage") is not None and point.get("risk") is not None:
        axis.scatter(
            [point["coverage"]],
            [point["risk"]],
            s=90,
            color="tab:red",
            zorder=5,
            label=f"policy thresholds (default {point['default_threshold']:.2f})",
        )
        axis.axvline(point["coverage"], color="tab:red", linestyle=":", alpha=0.7)
    top = max([p["risk"] for p in curve] + [0.05])
    axis.set(
        xlim=(0, 1.02),
        ylim=(0, top * 1.1),
        xlabel="coverage (share decided automatically)",
        ylabel="risk (error rate among them)",
        title="Risk–coverage curve",
    )
    axis.legend(loc="upper left")
    return data_uri(figure)


def confusion_plot(tables: dict[str, Any]) -> str:
    """The confusion matrix as a heat map with counts."""
    labels, matrix = tables["labels"], tables["confusion"]
    size = max(6.0, 0.55 * len(labels) + 3)
    figure, axis = _canvas(size + 1, size)
    image = axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axis.set_yticks(range(len(labels)), labels)
    peak = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                colour = "white" if count > peak / 2 else "black"
                axis.text(j, i, str(count), ha="center", va="center", color=colour, fontsize=9)
    axis.set(xlabel="predicted", ylabel="labelled", title="Confusion matrix")
    axis.grid(False)
    figure.colorbar(image, ax=axis, label="samples")
    return data_uri(figure)


LABEL_CHARS = 32
"""Longer tick labels are shortened (with an ellipsis) so the plot keeps its room."""


def _short(names: Sequence[str]) -> list[str]:
    return [n if len(n) <= LABEL_CHARS else n[: LABEL_CHARS - 1] + "…" for n in names]


def _height_for(names: Sequence[str], base: float) -> float:
    """Room for rotated tick labels below the axes, as long as the longest one."""
    return base + 0.07 * max((len(n) for n in names), default=0)


def grouped_bars(
    names: Sequence[str], series: dict[str, Sequence[float]], title: str, ylabel: str
) -> str:
    """Bars per name, one colour per series (a legend names them)."""
    names = _short(names)
    figure, axis = _canvas(max(6.4, 0.6 * len(names) + 2), _height_for(names, 4.8))
    width = 0.8 / max(len(series), 1)
    for k, (label, values) in enumerate(series.items()):
        axis.bar([i + k * width for i in range(len(names))], values, width=width, label=label)
    axis.set_xticks(
        [i + 0.4 - width / 2 for i in range(len(names))], names, rotation=45, ha="right"
    )
    axis.set(ylabel=ylabel, title=title)
    axis.legend()
    return data_uri(figure)


def stacked_counts(names: Sequence[str], series: dict[str, Sequence[int]], title: str) -> str:
    """Horizontal stacked bars of counts (per field: correct, wrong, miss, false alarm)."""
    figure, axis = _canvas(8, max(3.5, 0.35 * len(names) + 1.5))
    left = [0] * len(names)
    colours = ["tab:green", "tab:orange", "tab:red", "tab:purple", "tab:grey"]
    for (label, values), colour in zip(series.items(), colours, strict=False):
        axis.barh(names, values, left=left, label=label, color=colour)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axis.invert_yaxis()
    axis.set(xlabel="labelled values", title=title)
    axis.legend(loc="lower right")
    return data_uri(figure)


def group_plot(summary: RunSummary, metric: str) -> list[Plot]:
    """One headline metric per value of each group key, with ±1 standard error."""
    plots = []
    for key, values in summary.groups.items():
        names = [v for v, figures in values.items() if figures[metric].value is not None]
        if len(names) < 2:
            continue
        heights = [values[v][metric].value or 0.0 for v in names]
        errors = [values[v][metric].stderr or 0.0 for v in names]
        counts = [values[v][metric].n for v in names]
        names = _short(names)
        figure, axis = _canvas(max(6.4, 0.6 * len(names) + 2), _height_for(names, 4.6))
        axis.bar(names, heights, yerr=errors, capsize=4, color="tab:blue", label=metric)
        for i, n in enumerate(counts):
            axis.annotate(f"n={n}", (i, 0.01), ha="center", fontsize=8, rotation=90)
        axis.set_xticks(range(len(names)), names, rotation=45, ha="right")
        axis.set(ylabel=f"{metric} (±1 s.e.)", xlabel=key, title=f"{metric} by {key}")
        axis.legend()
        plots.append((f"{metric} by {key}", data_uri(figure)))
    return plots


def timing_plot(records: Sequence[SampleRecord], title: str) -> str:
    """A histogram of seconds per sample."""
    figure, axis = _canvas(6.4, 4.4)
    seconds = [r.seconds for r in records]
    axis.hist(seconds, bins=min(30, max(5, len(seconds) // 3)), color="tab:blue", label="samples")
    axis.set(xlabel="seconds per sample", ylabel="samples", title=title)
    axis.legend()
    return data_uri(figure)
