"""The annotation QA report for people: one self-contained HTML file, no scripts, no network.

Bar charts are inline SVG (accuracy per batch and per annotator, Wilson 95% whiskers, the
certification minimum as a dashed line); tables list every batch, what to re-annotate or discard,
and every flagged input with its reason. Ids only: label values and texts never appear.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

STATUS_COLOURS = {
    "accepted": "#2e7d32",
    "rejected": "#c62828",
    "void": "#6a1b9a",
    "pending": "#9e9e9e",
}
ISSUE_HELP = {
    "unknown_annotator": "label by a person not on the roster",
    "unqualified_annotator": "annotator not qualified on the day (no qualification, expired, "
    "or no passing training)",
    "unregistered_rules_version": "label cites a rules version that is not registered",
    "missing_record": "label refers to a record id not in the configured record list",
    "duplicate_item_id": "the same item id appears in several label rows",
    "review_of_unknown_item": "verdict for an item id no label has",
    "review_of_unsampled_item": "verdict for an item that was not in the QA sample (not counted)",
    "self_review": "reviewer reviewed their own label (not counted)",
    "unqualified_reviewer": "reviewer not qualified as a reviewer that day (not counted)",
    "duplicate_review": "second verdict by the same reviewer on an item (not counted)",
    "reviewers_disagree": "reviewers disagree; the worst verdict counts",
    "missing_review": "sampled item without a valid verdict yet",
}

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#2e7d32;font-weight:bold} .fail{color:#c62828;font-weight:bold}
.status{color:#fff;padding:1px 6px;border-radius:3px}
code{font-size:12px}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def accuracy_chart(
    title: str, rows: Sequence[Mapping[str, Any]], key: str, minimum: float | None
) -> str:
    """Horizontal bars of accuracy with Wilson whiskers; inline SVG."""
    label_w, plot_w, row_h, top = 170, 420, 24, 28
    height = top + row_h * max(1, len(rows)) + 24
    width = label_w + plot_w + 90

    def x(v: float) -> float:
        return label_w + v * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(title)}" font-size="12">',
        f'<text x="0" y="16" font-weight="bold">{_e(title)}</text>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 4}" x2="{x(tick):.1f}" y2="{height - 20}" '
            f'stroke="#eee"/><text x="{x(tick):.1f}" y="{height - 6}" text-anchor="middle">'
            f"{int(tick * 100)}%</text>"
        )
    for i, row in enumerate(rows):
        y = top + i * row_h
        colour = STATUS_COLOURS.get(str(row.get("status", "")), "#1565c0")
        acc = row.get("accuracy")
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{_e(row[key])}</text>'
        )
        if acc is None:
            parts.append(f'<text x="{x(0) + 4}" y="{y + 15}" fill="#777">not reviewed</text>')
            continue
        parts.append(
            f'<rect x="{x(0):.1f}" y="{y + 4}" width="{acc * plot_w:.1f}" height="{row_h - 8}" '
            f'fill="{colour}" opacity="0.75"><title>{_e(row[key])}: {_pct(acc)} '
            f"({row['correct']}/{row['reviewed']})</title></rect>"
        )
        lo, hi, mid = x(row["wilson_low"]), x(row["wilson_high"]), y + row_h / 2
        parts.append(
            f'<line x1="{lo:.1f}" y1="{mid}" x2="{hi:.1f}" y2="{mid}" stroke="#000"/>'
            f'<line x1="{lo:.1f}" y1="{mid - 5}" x2="{lo:.1f}" y2="{mid + 5}" stroke="#000"/>'
            f'<line x1="{hi:.1f}" y1="{mid - 5}" x2="{hi:.1f}" y2="{mid + 5}" stroke="#000"/>'
            f'<text x="{x(1) + 8}" y="{y + 15}">{_pct(acc)} (n={row["reviewed"]})</text>'
        )
    if minimum is not None:
        parts.append(
            f'<line x1="{x(minimum):.1f}" y1="{top - 4}" x2="{x(minimum):.1f}" '
            f'y2="{height - 20}" stroke="#c62828" stroke-dasharray="4 3">'
            f"<title>certification minimum {_pct(minimum)}</title></line>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(columns: Sequence[tuple[str, str]], rows: Sequence[Mapping[str, Any]]) -> str:
    head = "".join(f"<th>{_e(title)}</th>" for _, title in columns)
    body = []
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key)
            if key == "status":
                colour = STATUS_COLOURS.get(str(value), "#555")
                cells.append(
                    f'<td><span class="status" style="background:{colour}">{_e(value)}</span></td>'
                )
            elif isinstance(value, float):
                cells.append(f'<td class="num">{_pct(value)}</td>')
            elif isinstance(value, int) and not isinstance(value, bool):
                cells.append(f'<td class="num">{value}</td>')
            elif isinstance(value, list):
                cells.append(f"<td>{_e(', '.join(map(str, value)))}</td>")
            else:
                cells.append(f"<td>{_e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render_report(
    summary: Mapping[str, Any],
    min_accuracy: float,
    gate: Sequence[Mapping[str, Any]] | None = None,
    certified: bool | None = None,
) -> str:
    batches = summary["batches"]
    annotators = summary["annotators"]
    follow = summary["follow_up"]
    issues = summary["issues"]
    out = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>Annotation QA: {_e(summary['name'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>Annotation quality report: {_e(summary['name'])}</h1>",
        f"<p>Reviewed {_e(summary['reviewed_at'])} · tdg {_e(summary['tdg_version'])} · config "
        f"<code>{_e(summary['config_sha256'][:16])}…</code> · sample seed "
        f"<code>{_e(summary['sampling']['seed'])}</code></p>",
        f"<p>Sampling plan: <code>{_e(summary['sampling']['formula'])}</code>; security labels "
        "are all reviewed.</p>",
    ]
    if gate is not None:
        verdict = (
            '<span class="pass">CERTIFIED</span>'
            if certified
            else '<span class="fail">NOT CERTIFIED</span>'
        )
        out.append(f"<h2>Certification: {verdict}</h2>")
        out.append(
            _table(
                [("check", "Check"), ("result", "Result"), ("detail", "Detail")],
                [{**g, "result": "pass" if g["passed"] else "FAIL"} for g in gate],
            )
        )
    out.append("<h2>Accuracy per batch</h2>")
    out.append(accuracy_chart("Accuracy per batch (Wilson 95%)", batches, "batch_id", min_accuracy))
    out.append(
        _table(
            [
                ("batch_id", "Batch"),
                ("status", "Status"),
                ("items", "Labels"),
                ("sample_size", "Plan n"),
                ("acceptance_number", "Accept ≤ errors"),
                ("reviewed", "Reviewed"),
                ("correct", "Correct"),
                ("incorrect", "Incorrect"),
                ("harmful", "Harmful"),
                ("accuracy", "Accuracy"),
                ("wilson_low", "Wilson low"),
                ("wilson_high", "Wilson high"),
                ("security_items", "Security labels"),
                ("security_reviewed", "Security reviewed"),
                ("reason", "Reason"),
            ],
            batches,
        )
    )
    out.append("<h2>Accuracy per annotator</h2>")
    out.append(
        accuracy_chart(
            "Accuracy per annotator (Wilson 95%)", annotators, "annotator_id", min_accuracy
        )
    )
    out.append(
        _table(
            [
                ("annotator_id", "Annotator"),
                ("labels", "Labels"),
                ("sampled", "Sampled"),
                ("reviewed", "Reviewed"),
                ("accuracy", "Accuracy"),
                ("wilson_low", "Wilson low"),
                ("wilson_high", "Wilson high"),
                ("flagged_labels", "Flagged labels"),
            ],
            annotators,
        )
    )
    bad = [b for b in batches if b["status"] in ("rejected", "void")]
    out.append("<h2>Rejected and void batches</h2>")
    if not bad:
        out.append("<p>None.</p>")
    for b in bad:
        items = [f for f in follow if f["batch_id"] == b["batch_id"]]
        action = "discard (harmful content)" if b["status"] == "void" else "re-annotate"
        listed = ", ".join(_e(f["item_id"]) for f in items)
        harmful = (
            f"<p>Harmful items: {_e(', '.join(b['harmful_items']))}</p>"
            if b["harmful_items"]
            else ""
        )
        out.append(
            f"<h3>{_e(b['batch_id'])}: {_e(b['status'])}</h3><p>{_e(b['reason'])}</p>{harmful}"
            f"<p>{len(items)} item(s) to {action}: {listed}</p>"
        )
    corrections = [f for f in follow if f["action"] == "correct"]
    out.append("<h2>Items to correct in other batches</h2>")
    out.append(
        _table(
            [
                ("batch_id", "Batch"),
                ("item_id", "Item"),
                ("record_id", "Record"),
                ("annotator_id", "Annotator"),
                ("reason", "Reason"),
            ],
            corrections,
        )
        if corrections
        else "<p>None.</p>"
    )
    out.append("<h2>Flagged inputs</h2>")
    by_code: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for issue in issues:
        by_code[issue["code"]].append(issue)
    if not by_code:
        out.append("<p>None.</p>")
    for code in sorted(by_code):
        rows = by_code[code]
        out.append(
            f"<h3>{_e(code)} ({len(rows)})</h3><p>{_e(ISSUE_HELP.get(code, ''))}</p>"
            + _table(
                [
                    ("where", "Where"),
                    ("item_id", "Item"),
                    ("batch_id", "Batch"),
                    ("person_id", "Person"),
                    ("detail", "Reason"),
                ],
                rows[:200],
            )
            + (f"<p>… and {len(rows) - 200} more (see issues.csv)</p>" if len(rows) > 200 else "")
        )
    out.append("<h2>Rules documents</h2>")
    out.append(
        _table([("version", "Version"), ("sha256", "sha256"), ("path", "File")], summary["rules"])
    )
    out.append("</body></html>\n")
    return "\n".join(out)
