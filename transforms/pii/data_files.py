"""The files packaged in `transforms/pii/data/`: lexicons read as lines, model files as bytes."""

from __future__ import annotations

from functools import cache
from importlib import resources


def data_bytes(name: str) -> bytes:
    """`data/<name>` (a path below `data/`, e.g. `lac/bigru.onnx`), whole."""
    return resources.files("tdg.transforms.pii").joinpath(f"data/{name}").read_bytes()


def data_lines(name: str) -> list[str]:
    """The non-empty lines of `data/<name>` that are not `#` comments (as written, unstripped)."""
    text = data_bytes(name).decode("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@cache
def english_given_names() -> frozenset[str]:
    """Lower-cased common English given names (`data/en_given_names.txt`), read once per
    process: the cue-name recognizer and the given-name-in-Chinese recognizer both use them."""
    return frozenset(line.strip().lower() for line in data_lines("en_given_names.txt"))
