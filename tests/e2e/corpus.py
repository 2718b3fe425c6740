"""A small synthetic corpus with every kind of broken row, written by tests into tmp dirs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

GOOD_JSONL = 30
# (line number in a.jsonl, reason) for the broken lines appended after the good ones
BROKEN_JSONL = {
    31: "json_parse_error",
    32: "missing_text",
    33: "invalid_utf8",
    34: "empty_text",
    35: "wrong_type",
}


def write_corpus(root: Path) -> Path:
    """Writes sources under root/in and a run config root/run.yaml; returns the config path."""
    src = root / "in"
    src.mkdir(parents=True)
    lines = [
        json.dumps(
            {
                "id": f"w{i}",
                "text": f"第{i}条帖子，联系电话 138{i:08d}。",
                "lang": "zh",
                "url": f"https://forum.example/{i}",
            },
            ensure_ascii=False,
        ).encode()
        for i in range(GOOD_JSONL)
    ]
    lines += [
        b'{"id": "w-broken", "text": "unterminated',
        b'{"id": "w-missing"}',
        b'{"id": "w-bytes", "text": "caf\xe9 au lait"}',
        b'{"id": "w-empty", "text": "  \\u0000 "}',
        b'{"id": "w-type", "text": 12345}',
    ]
    with gzip.GzipFile(src / "a.jsonl.gz", "wb", mtime=0) as f:
        f.write(b"\n".join(lines) + b"\n")
    rows = ["ticket_id,subject_id,body"]
    rows += [
        f't{i},subj-{i % 5},"Customer {i} wrote:\nplease call me at 555-01{i:02d}"'
        for i in range(20)
    ]
    rows.append("t-empty,subj-9,")
    (src / "tickets.csv").write_text("\n".join(rows) + "\n")
    table = pa.table(
        {
            "doc_id": [f"n{i}" for i in range(12)],
            "text": [f"News article {i} about the weather." for i in range(11)] + [None],
        }
    )
    pq.write_table(table, src / "news.parquet", row_group_size=5)
    config = root / "run.yaml"
    config.write_text(
        """\
dataset: {name: tiny, version: v1}
output: {root: out}
sources:
  - id: forum
    uri: in/*.jsonl.gz
    format: jsonl
    kind: web_crawl
    licence: CC-BY-4.0
    evidence: crawl-log-2026-11
    default_legal_basis: public_disclosure
    fields: {id: id, language: lang, metadata: [url]}
  - id: tickets
    uri: in/tickets.csv
    format: csv
    kind: user_data
    licence: LicenseRef-user-agreement
    evidence: user-agreement-v3
    default_legal_basis: contract
    fields: {id: ticket_id, text: body, subject_id: subject_id}
  - id: news
    uri: in/news.parquet
    format: parquet
    kind: open_dataset
    licence: CC0-1.0
    evidence: https://data.example/news
    default_legal_basis: public_disclosure
    fields: {id: doc_id}
"""
    )
    return config
