"""``report.html``: one self-contained page per run — figures, groups, tables, plots inline,
and the comparison with a baseline run when one is given."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exdesk.evals import plots
from exdesk.evals.compare import Comparison, compare_runs
from exdesk.evals.records import MetricValue, RunSummary
from exdesk.evals.runner import Run, read_run

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;
padding:.25rem .6rem;text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}
.bad{color:#b00020;font-weight:600}td:not(.l){white-space:nowrap}.good{color:#00695c}.muted{color:#777}
figure{display:inline-block;margin:.5rem 1rem 1rem 0;vertical-align:top}
figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.9rem;color:#555}
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _num(value: float | None, places: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{places}f}"


def _figure(value: MetricValue) -> str:
    if value.value is None:
        return f'<span class="muted">n/a — {_e(value.note or "not scorable")}</span>'
    stderr = "" if value.stderr is None else f" ± {value.stderr:.4f}"
    return f"{value.value:.4f}{stderr}"


def _metrics_table(summary: RunSummary) -> str:
    rows = []
    for name, value in summary.metrics.items():
        info = summary.info[name]
        direction = "↑" if info.higher_is_better else "↓"
        flag = ""
        if info.must_be_zero and value.value:
            flag = ' class="bad"'
        rows.append(
            f"<tr><td class=l>{_e(name)} {direction}{' (gated)' if info.gate else ''}</td>"
            f"<td{flag}>{_figure(value)}</td><td>{value.n}</td><td>{value.unscorable}</td>"
            f"<td class=l>{_e(info.description)}</td></tr>"
        )
    return (
        "<table><tr><th class=l>metric</th><th>value ± s.e.</th><th>n</th>"
        "<th>unscorable</th><th class=l>what it measures</th></tr>" + "".join(rows) + "</table>"
    )


def _spread_table(summary: RunSummary) -> str:
    if not summary.epoch_spread:
        return ""
    rows = "".join(
        f"<tr><td class=l>{_e(name)}</td><td>{_num(s.mean)}</td><td>{_num(s.std)}</td>"
        f"<td>{_num(s.minimum)}</td><td>{_num(s.maximum)}</td></tr>"
        for name, s in summary.epoch_spread.items()
    )
    return (
        f"<h2>Over {summary.epochs} epochs</h2><table><tr><th class=l>metric</th><th>mean</th>"
        "<th>std</th><th>min</th><th>max</th></tr>" + rows + "</table>"
    )


def _engines(summary: RunSummary) -> str:
    figures = summary.engines
    if figures is None:
        return ""
    reached = figures.reached_model
    counted = (
        f"{figures.traced} samples say which engine decided; {figures.unscorable} unscorable"
        f" and {figures.untraced} on which the engine raised are left out"
    )
    rows = [
        ["reached the model", _figure(reached), reached.n, "share of samples the model was asked"],
        ["model failures", str(figures.model_failures), reached.n, "asked, but no usable answer"],
    ]
    for path, found in figures.paths.items():
        rows.append(
            [
                f"{figures.metric}, decided by {path}",
                _figure(found.metric),
                found.samples,
                "the model's answers" if path == "openai" else "the local engine's answers",
            ]
        )
    shadow = figures.shadow
    if shadow is not None:
        rows += [
            [
                "shadow agreement",
                _figure(shadow.agreement),
                shadow.answered,
                f"the model's answer agrees with the decision ({shadow.failures} failed)",
            ],
            [f"{figures.metric}, local", _figure(shadow.local), shadow.answered, "same samples"],
            [f"{figures.metric}, model", _figure(shadow.model), shadow.answered, "same samples"],
        ]
    body = "".join(
        f"<tr><td class=l>{_e(name)}</td><td>{value}</td><td>{n}</td><td class=l>{_e(what)}"
        "</td></tr>"
        for name, value, n, what in rows
    )
    spread = ""
    if figures.epoch_spread:
        spread = "<table><tr><th class=l>over the epochs</th><th>mean</th><th>std</th>" + (
            "<th>min</th><th>max</th></tr>"
            + "".join(
                f"<tr><td class=l>{_e(name)}</td><td>{_num(s.mean)}</td><td>{_num(s.std)}</td>"
                f"<td>{_num(s.minimum)}</td><td>{_num(s.maximum)}</td></tr>"
                for name, s in figures.epoch_spread.items()
            )
            + "</table>"
        )
    return (
        f"<h2>Engines ({_e(figures.engine)})</h2><p>{_e(counted)}.</p><table><tr>"
        "<th class=l>figure</th><th>value ± s.e.</th><th>samples</th><th class=l>what</th>"
        f"</tr>{body}</table>{spread}"
    )


def _groups(summary: RunSummary) -> str:
    parts = []
    headline = [n for n, i in summary.info.items() if i.gate][:3] or list(summary.metrics)[:3]
    for key, values in summary.groups.items():
        head = "".join(f"<th>{_e(m)}</th>" for m in headline)
        rows = "".join(
            f"<tr><td class=l>{_e(v)}</td><td>{figures[headline[0]].n}</td>"
            + "".join(f"<td>{_figure(figures[m])}</td>" for m in headline)
            + "</tr>"
            for v, figures in values.items()
        )
        parts.append(
            f"<h3>by {_e(key)}</h3><table><tr><th class=l>{_e(key)}</th><th>n</th>{head}</tr>"
            f"{rows}</table>"
        )
    return "<h2>Groups</h2>" + "".join(parts) if parts else ""


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th class=l>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td class=l>{_e(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _suite_plots(run: Run) -> list[plots.Plot]:
    summary, tables = run.summary, run.summary.tables
    found: list[plots.Plot] = []
    if summary.suite == "classify" and tables.get("labels"):
        found.append(
            (
                "Reliability diagram",
                plots.reliability_diagram(
                    tables["reliability"], "Reliability of the top-class confidence"
                ),
            )
        )
        found.append(("Risk–coverage", plots.risk_coverage_plot(tables)))
        found.append(("Confusion matrix", plots.confusion_plot(tables)))
        per_class = tables["per_class"]
        found.append(
            (
                "Per-class precision and recall",
                plots.grouped_bars(
                    list(per_class),
                    {
                        "precision": [v["precision"] or 0.0 for v in per_class.values()],
                        "recall": [v["recall"] or 0.0 for v in per_class.values()],
                    },
                    "Precision and recall per category",
                    "share",
                ),
            )
        )
    if summary.suite == "extract" and tables.get("fields"):
        fields = tables["fields"]
        found.append(
            (
                "Outcome per field",
                plots.stacked_counts(
                    list(fields),
                    {
                        k: [f[k] for f in fields.values()]
                        for k in ("correct", "wrong", "miss", "false_alarm")
                    },
                    "What the extractor did with each labelled field",
                ),
            )
        )
        if tables.get("confidence_reliability"):
            found.append(
                (
                    "Field confidence",
                    plots.reliability_diagram(
                        tables["confidence_reliability"], "Reliability of per-field confidence"
                    ),
                )
            )
    if summary.suite in ("recommend", "draft", "workflow") and tables.get("bars"):
        bars = tables["bars"]
        found.append(
            (
                bars["title"],
                plots.grouped_bars(bars["names"], bars["series"], bars["title"], bars["ylabel"]),
            )
        )
    headline = next((n for n, i in summary.info.items() if i.gate), None)
    if headline is not None:
        found += plots.group_plot(summary, headline)
    if run.records:
        found.append(("Time per sample", plots.timing_plot(run.records, "Time per sample")))
    return found


def _suite_tables(summary: RunSummary) -> str:
    tables = summary.tables
    parts = []
    if summary.suite == "classify" and tables.get("per_class"):
        parts.append(
            "<h3>Per category</h3>"
            + _table(
                ["category", "precision", "recall", "F1", "labelled", "predicted"],
                [
                    [
                        k,
                        _num(v["precision"], 3),
                        _num(v["recall"], 3),
                        _num(v["f1"], 3),
                        v["support"],
                        v["predicted"],
                    ]
                    for k, v in tables["per_class"].items()
                ],
            )
        )
    if summary.suite == "extract" and tables.get("fields"):
        parts.append(
            "<h3>Per field</h3>"
            + _table(
                ["field", "correct", "wrong", "miss", "false alarm", "precision", "recall", "F1"],
                [
                    [
                        k,
                        f["correct"],
                        f["wrong"],
                        f["miss"],
                        f["false_alarm"],
                        _num(f["precision"], 3),
                        _num(f["recall"], 3),
                        _num(f["f1"], 3),
                    ]
                    for k, f in tables["fields"].items()
                ],
            )
        )
        if tables.get("doc_types"):
            parts.append(
                "<h3>Per document type</h3>"
                + _table(
                    ["doc type", "documents", "precision", "recall", "F1"],
                    [
                        [
                            k,
                            f["documents"],
                            _num(f["precision"], 3),
                            _num(f["recall"], 3),
                            _num(f["f1"], 3),
                        ]
                        for k, f in tables["doc_types"].items()
                    ],
                )
            )
    for key in ("rows", "gate_rows"):
        if isinstance(tables.get(key), dict):
            spec: dict[str, Any] = tables[key]
            parts.append(f"<h3>{_e(spec['title'])}</h3>" + _table(spec["header"], spec["rows"]))
    return "".join(parts)


def _comparison(comparison: Comparison, baseline: Path) -> str:
    rows = []
    for m in comparison.metrics:
        d = m.delta
        interval = "n/a" if d.low is None else f"[{d.low:+.4f}, {d.high:+.4f}]"
        verdict = "FAIL" if m.fails else ("regressed" if m.regressed else "")
        css = ' class="bad"' if verdict else ""
        rows.append(
            f"<tr><td class=l>{_e(m.name)}{' *' if m.gate else ''}</td><td>{_num(d.baseline)}</td>"
            f"<td>{_num(d.candidate)}</td><td>{'n/a' if d.delta is None else f'{d.delta:+.4f}'}"
            f"</td><td>{interval}</td><td>{'' if m.better is None else m.better}</td>"
            f"<td>{'' if m.worse is None else m.worse}</td><td{css}>{verdict}</td></tr>"
        )
    flips = (
        _table(
            ["sample", "baseline", "candidate", "baseline output", "candidate output"],
            [
                [
                    f"{f.id}#{f.epoch}",
                    _num(f.baseline, 2),
                    _num(f.candidate, 2),
                    f.baseline_output,
                    f.candidate_output,
                ]
                for f in comparison.flips[:50]
            ],
        )
        if comparison.flips
        else "<p>No sample changed its headline score.</p>"
    )
    verdict = "FAILED" if comparison.failed else "OK"
    return (
        f"<h2>Against the baseline {_e(baseline)}</h2><p>{comparison.paired} paired samples; "
        f"{len(comparison.only_baseline)} only in the baseline, {len(comparison.only_candidate)}"
        f" only in this run. Verdict: <b>{verdict}</b> (tolerance {comparison.tolerance:g};"
        " * gated).</p><table><tr><th class=l>metric</th><th>baseline</th><th>this run</th>"
        "<th>delta</th><th>95% interval</th><th>better</th><th>worse</th><th>verdict</th></tr>"
        + "".join(rows)
        + f"</table><h3>Flips of {_e(comparison.headline)}</h3>"
        + flips
    )


def render_report(run: Run, baseline: Path | None = None) -> str:
    """The report page as HTML text."""
    summary = run.summary
    unscorable = ", ".join(f"{n} {_e(why)}" for why, n in summary.unscorable.items())
    notes = "".join(f"<li>{_e(n)}</li>" for n in summary.notes)
    figures = "".join(
        f'<figure><img alt="{_e(title)}" src="{uri}"><figcaption>{_e(title)}</figcaption></figure>'
        for title, uri in _suite_plots(run)
    )
    compared = ""
    if baseline is not None:
        compared = _comparison(compare_runs(read_run(baseline), run), baseline)
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Exception Desk eval: "
        f"{_e(summary.suite)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Evaluation: {_e(summary.suite)} ({_e(summary.engine)} engine)</h1>"
        f"<p>Dataset: {_e(summary.dataset)}<br>{summary.samples} samples × {summary.epochs} "
        f"epoch(s), {summary.scored} scored, {summary.errors} engine errors"
        f"{'; unscorable: ' + unscorable if unscorable else ''}.<br>Started "
        f"{summary.started_at:%Y-%m-%d %H:%M:%S} UTC, {summary.seconds:.1f} s.</p>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + "<h2>Figures</h2>"
        + _metrics_table(summary)
        + _spread_table(summary)
        + _engines(summary)
        + compared
        + "<h2>Plots</h2>"
        + figures
        + _suite_tables(summary)
        + _groups(summary)
        + "</body></html>"
    )


def write_report(path: Path, run: Run, baseline: Path | None = None) -> None:
    """Write ``report.html``."""
    path.write_text(render_report(run, baseline), encoding="utf-8")
