"""`tdg reidentify INPUT`: for key holders, restore values that the `encrypt` operator hid.

Only `encrypt` tokens (`⟦tdg:enc:v1:TYPE:...⟧`) can be restored; surrogates, pseudonyms,
placeholders and masks are one-way by design.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from tdg.transforms.errors import UserError
from tdg.transforms.keys import KeyRing
from tdg.transforms.pii.operators.encrypt import (
    UndecryptableTokenError,
    count_tokens,
    decrypt_tokens,
)

DESCRIPTION = """\
Decrypts the reversible tokens that the `encrypt` de-identification operator wrote
(⟦tdg:enc:v1:TYPE:...⟧) back into the original values, for whoever holds the encryption key
($TDG_KEY_ENCRYPTION, or encryption.key in $TDG_KEYS / .tdg/keys).

INPUT formats, by file name: *.jsonl / *.ndjson (the --field of each JSON object),
*.parquet (the --field column, streamed by record batch), anything else as plain text.
Output: --output OUT, or standard output for text and JSONL (Parquet needs --output).
The output is personal information again: store and share it accordingly.

Exit status: 0 ok; 2 missing key, missing input or field, a token this key cannot decrypt,
or an existing OUT (without --force)."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "reidentify",
        help="decrypt encryption tokens in a text, JSONL or Parquet file (key holders only)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="INPUT", help="a .jsonl, .parquet or text file")
    p.add_argument("--output", "-o", metavar="OUT", help="where to write (default: stdout)")
    p.add_argument(
        "--field", default="text", help="JSONL field / Parquet column to decrypt (default: text)"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing OUT")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    source = Path(args.input)
    if not source.is_file():
        raise UserError(f"{source}: no such file")
    kind = input_kind(source)
    if args.output is None and kind == "parquet":
        raise UserError(f"{source}: Parquet input needs --output OUT")
    target = None if args.output in (None, "-") else Path(args.output)
    if target is not None:
        if target.resolve() == source.resolve():
            raise UserError(f"{target}: output must differ from the input")
        if target.exists() and not args.force:
            raise UserError(f"{target}: exists; pass --force to overwrite")
    key = KeyRing.default().symmetric("encryption")

    if kind == "parquet":
        assert target is not None
        with _replaced_atomically(target) as temporary:
            records, tokens = reidentify_parquet(source, temporary, args.field, key)
    else:
        with _text_output(target) as out:
            if kind == "jsonl":
                records, tokens = reidentify_jsonl(source, out, args.field, key)
            else:
                records, tokens = reidentify_text(source, out, key)
    print(f"decrypted {tokens} tokens in {records} records", file=sys.stderr)
    return 0


def input_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


def _decrypt(text: str, key: bytes, where: str) -> str:
    try:
        return decrypt_tokens(text, key)
    except UndecryptableTokenError as exc:
        raise UserError(f"{where}: {exc} (wrong key, or the token was altered)") from None


def reidentify_text(source: Path, out: IO[str], key: bytes) -> tuple[int, int]:
    tokens = 0
    lines = 0
    with source.open(encoding="utf-8", newline="") as handle:
        for lines, line in enumerate(handle, start=1):
            tokens += count_tokens(line)
            out.write(_decrypt(line, key, f"{source}:{lines}"))
    return lines, tokens


def reidentify_jsonl(source: Path, out: IO[str], field: str, key: bytes) -> tuple[int, int]:
    records = tokens = 0
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                out.write(line)
                continue
            where = f"{source}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"{where}: not a JSON object ({exc.msg})") from None
            if not isinstance(row, dict) or field not in row:
                raise UserError(f"{where}: no field {field!r}")
            value = row[field]
            if value is not None:
                if not isinstance(value, str):
                    raise UserError(f"{where}: field {field!r} is not a string")
                tokens += count_tokens(value)
                row[field] = _decrypt(value, key, f"{where}: field {field!r}")
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            records += 1
    return records, tokens


def reidentify_parquet(source: Path, target: Path, field: str, key: bytes) -> tuple[int, int]:
    try:
        parquet = pq.ParquetFile(source)
    except (pa.ArrowInvalid, OSError) as exc:
        raise UserError(f"{source}: not a readable Parquet file ({exc})") from None
    schema = parquet.schema_arrow
    index = schema.get_field_index(field)
    if index < 0:
        raise UserError(f"{source}: no column {field!r}")
    column_type = schema.field(index).type
    if not (pa.types.is_string(column_type) or pa.types.is_large_string(column_type)):
        raise UserError(f"{source}: column {field!r} is {column_type}, not a string column")
    records = tokens = 0
    with pq.ParquetWriter(target, schema) as writer:
        for batch in parquet.iter_batches():
            values = batch.column(index).to_pylist()
            restored: list[str | None] = []
            for offset, value in enumerate(values):
                if value is None:
                    restored.append(None)
                    continue
                tokens += count_tokens(value)
                where = f"{source}: row {records + offset}, column {field!r}"
                restored.append(_decrypt(value, key, where))
            columns = list(batch.columns)
            columns[index] = pa.array(restored, type=column_type)
            writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
            records += batch.num_rows
    return records, tokens


@contextlib.contextmanager
def _text_output(target: Path | None) -> Iterator[IO[str]]:
    if target is None:
        yield sys.stdout
        return
    with _replaced_atomically(target) as temporary, temporary.open("w", encoding="utf-8") as out:
        yield out


@contextlib.contextmanager
def _replaced_atomically(target: Path) -> Iterator[Path]:
    """A temporary path next to target, renamed onto it only if the block succeeds."""
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
