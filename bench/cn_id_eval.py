"""Resident-ID and USCC recognizers against python-stdnum's validator vectors.

Each vector (`value`, `kind`, `valid`) is embedded in a neutral sentence (no context word) and
in one with a context word; a vector counts as detected when a finding of its kind covers the
value with a score at or above the threshold. Expected: detected iff `valid`. The baseline is a
format-only regex (no checksum, no date or region check), which is what a naive rule does.

Run: .venv/bin/python bench/cn_id_eval.py [--vectors PATH] [--threshold 0.5]
Prints counts only, never the values.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from tdg.transforms.pii.normalized_view import NormalizedView
from tdg.transforms.pii.recognizers.base import IdentifierRecognizer
from tdg.transforms.pii.recognizers.cn_resident_id import CnResidentIdRecognizer
from tdg.transforms.pii.recognizers.cn_uscc import CnUsccRecognizer

DEFAULT_VECTORS = Path(__file__).resolve().parents[2] / "shared/bench/cn_id_validator_vectors.jsonl"

RECOGNIZERS: dict[str, type[IdentifierRecognizer]] = {
    "CN_RESIDENT_ID": CnResidentIdRecognizer,
    "CN_USCC": CnUsccRecognizer,
}
BASELINE = {
    "CN_RESIDENT_ID": re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"),
    "CN_USCC": re.compile(r"(?<![0-9A-Za-z])[0-9A-Z]{18}(?![0-9A-Za-z])"),
}
SENTENCES: dict[str, dict[str, str]] = {
    "no context": {"CN_RESIDENT_ID": "备注：{}。", "CN_USCC": "备注：{}。"},
    "context": {"CN_RESIDENT_ID": "身份证号码：{}。", "CN_USCC": "统一社会信用代码：{}。"},
}


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, expected: bool, detected: bool) -> None:
        if expected:
            self.tp += detected
            self.fn += not detected
        else:
            self.fp += detected
            self.tn += not detected

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.tn + self.fn
        return (self.tp + self.tn) / total if total else 0.0


def detected_by_recognizer(
    recognizer: IdentifierRecognizer, text: str, value: str, threshold: float
) -> bool:
    view = NormalizedView.of(text)
    for result in recognizer.analyze(view.text, [recognizer.ENTITY], None):
        start, end = view.to_original(result.start, result.end)
        if text[start:end].replace(" ", "") == value.replace(" ", "") and result.score >= threshold:
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    if not args.vectors.is_file():
        raise SystemExit(f"{args.vectors}: validator vectors not found")

    vectors = [json.loads(line) for line in args.vectors.read_text(encoding="utf-8").splitlines()]
    vectors = [v for v in vectors if v["valid"] is not None and v["kind"] in RECOGNIZERS]
    recognizers = {kind: cls("zh") for kind, cls in RECOGNIZERS.items()}

    rows: list[tuple[str, str, int, Confusion]] = []
    for kind, recognizer in recognizers.items():
        of_kind = [v for v in vectors if v["kind"] == kind]
        baseline = Confusion()
        for v in of_kind:
            baseline.add(v["valid"], BASELINE[kind].search(v["value"]) is not None)
        rows.append((kind, "baseline: format regex", len(of_kind), baseline))
        for setting in ("no context", "context"):
            template = SENTENCES[setting][kind]
            confusion = Confusion()
            for v in of_kind:
                text = template.format(v["value"])
                confusion.add(
                    v["valid"], detected_by_recognizer(recognizer, text, v["value"], args.threshold)
                )
            rows.append((kind, f"tdg, {setting}", len(of_kind), confusion))

    print(f"threshold {args.threshold}; vectors {args.vectors.name}")
    print(
        f"{'kind':<15} {'method':<24} {'n':>4} {'TP':>4} {'FP':>4} {'TN':>4} {'FN':>4} {'acc':>6}"
    )
    for kind, method, n, c in rows:
        print(
            f"{kind:<15} {method:<24} {n:>4} {c.tp:>4} {c.fp:>4} {c.tn:>4} {c.fn:>4} "
            f"{c.accuracy:>6.3f}"
        )
    print(
        "'context' rows: an invalid value next to a context word is kept at a low score "
        "(typos are PI), below the threshold unless the threshold is lowered."
    )


if __name__ == "__main__":
    main()
