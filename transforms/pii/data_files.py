"""The lexicons packaged in `transforms/pii/data/`, read as lines."""

from __future__ import annotations

from importlib import resources


def data_lines(name: str) -> list[str]:
    """The non-empty lines of `data/<name>` that are not `#` comments (as written, unstripped)."""
    text = resources.files("tdg.transforms.pii").joinpath(f"data/{name}").read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]
