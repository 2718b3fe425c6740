"""`tdg detect`: find personal information in a JSONL file, without running a pipeline.

For trying detection settings on a sample and for labelling benchmarks: one output line per
input line, offsets are Python str indices into the original text.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import yaml
from pydantic import ValidationError

from tdg.transforms.errors import UserError
from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.records import has_surrogates

BATCH_SIZE = 256


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "detect",
        help="detect personal information in a JSONL file",
        description=(
            'Read INPUT.jsonl (one {"id": ..., "text": ...} object a line) and write one '
            'line per input to --output: {"id": ..., "findings": [{"start", "end", '
            '"entity_type", "score"}]}. Offsets are character (code point) indices into '
            "the original text, end exclusive. Nothing is fetched from the network."
        ),
    )
    parser.add_argument("input", type=Path, metavar="INPUT.jsonl", help="records to scan")
    parser.add_argument("--output", "-o", type=Path, required=True, help="findings, JSONL")
    parser.add_argument(
        "--lang",
        choices=("auto", "en", "zh"),
        default="auto",
        help="language of every record; auto (default) decides per record from its script; "
        "en or zh comes first and the script adds the other where it shows (mixed text)",
    )
    parser.add_argument(
        "--profile",
        choices=("thorough", "fast"),
        default=None,
        help="thorough (default): patterns plus NER; fast: patterns and lexicons only",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help=(
            "YAML with DetectionSettings fields (profile, score_threshold, entities, "
            "allow_list, deny_list, ...), at the top level or under `pii: detection:`"
        ),
    )
    parser.set_defaults(func=run_detect)


def load_settings(path: Path | None, profile: str | None) -> DetectionSettings:
    """Settings from a YAML file (top level or `pii.detection`), then the --profile override."""
    data: dict[str, Any] = {}
    prefix = ""
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UserError(f"{path}: cannot read: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise UserError(f"{path}:{where} is not valid YAML") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise UserError(f"{path}: expected a mapping of detection settings")
        pii = loaded.get("pii")
        if isinstance(pii, dict) and "detection" in pii:
            loaded = pii["detection"]
            prefix = "pii.detection."
            if not isinstance(loaded, dict):
                raise UserError(f"{path}: pii.detection: expected a mapping")
        data = dict(loaded)
    if profile is not None:
        data["profile"] = profile
    try:
        return DetectionSettings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = prefix + ".".join(str(p) for p in error["loc"])
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        raise UserError(f"{path or '--profile'}: {key}: {message}") from None


def read_records(path: Path) -> Iterator[tuple[int, Any, str]]:
    """(line number, id, text) per non-blank line; a malformed line is a UserError."""
    try:
        handle = path.open(encoding="utf-8-sig")  # a byte-order mark is tolerated
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise UserError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                if not isinstance(record, dict):
                    raise UserError(f"{path}:{number}: expected a JSON object")
                if "id" not in record:
                    raise UserError(f"{path}:{number}: missing field `id`")
                text = record.get("text")
                if not isinstance(text, str):
                    raise UserError(f"{path}:{number}: field `text` must be a string")
                if has_surrogates(text):
                    raise UserError(
                        f"{path}:{number}: field `text` holds an unpaired surrogate escape "
                        "(\\ud800-\\udfff): not valid Unicode text"
                    )
                yield number, record["id"], text
        except UnicodeDecodeError:
            raise UserError(f"{path}: not UTF-8 text") from None


def run_detect(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, args.profile)
    hint = None if args.lang == "auto" else args.lang
    if not args.input.is_file():
        raise UserError(f"{args.input}: no such file")
    from tdg.transforms.pii.engine import Detector

    if args.output.resolve() == args.input.resolve():
        raise UserError(f"{args.output}: the output would overwrite the input")
    detector = Detector(settings)
    # Written next to the output and renamed into place when complete: a bad line or an
    # interruption leaves no partial output behind.
    partial = args.output.with_name(f".{args.output.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            write_findings(out, detector, args.input, hint)
        os.replace(partial, args.output)
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write: {exc.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return 0


def write_findings(out: TextIO, detector: Any, path: Path, hint: str | None) -> None:
    """One output line per input record, in input order."""
    batch: list[tuple[Any, str]] = []

    def flush() -> None:
        results = detector.detect_batch([(text, hint) for _, text in batch])
        for (record_id, _), findings in zip(batch, results, strict=True):
            line = {
                "id": record_id,
                "findings": [
                    {
                        "start": f.start,
                        "end": f.end,
                        "entity_type": f.entity_type,
                        "score": f.score,
                    }
                    for f in findings
                ],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        batch.clear()

    for _, record_id, text in read_records(path):
        batch.append((record_id, text))
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
