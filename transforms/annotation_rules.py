"""The rules registry: each annotation rules document registered by version and sha256.

Interim Measures Art. 8 asks for clear, specific, operable annotation rules; a document is
registered only if it has headings for objectives, data formats, annotation methods and quality
indicators (English or Chinese). A registered version never changes: new content needs a new
version, so every label's rules version pins the exact text its annotator followed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from tdg.transforms.annotation_records import RulesDocument
from tdg.transforms.errors import UserError

REGISTRY_FORMAT = "tdg-annotation-rules-registry-v1"

# section -> heading words that name it (matched case-insensitively inside a heading line)
REQUIRED_SECTIONS: dict[str, tuple[str, ...]] = {
    "objectives": ("objectives", "objective", "goals", "目标"),
    "data formats": ("data formats", "data format", "数据格式"),
    "annotation methods": ("annotation methods", "annotation method", "标注方法"),
    "quality indicators": ("quality indicators", "quality indicator", "质量指标"),
}

SECTION_HEADINGS = {
    "objectives": ("Objectives", "目标"),
    "data formats": ("Data formats", "数据格式"),
    "annotation methods": ("Annotation methods", "标注方法"),
    "quality indicators": ("Quality indicators", "质量指标"),
}

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def headings(text: str) -> list[str]:
    """Markdown ATX heading texts, lower-cased."""
    return [m.group(1).lower() for line in text.splitlines() if (m := _HEADING.match(line))]


def missing_sections(text: str) -> list[str]:
    found = headings(text)
    return [
        section
        for section, words in REQUIRED_SECTIONS.items()
        if not any(word in h for h in found for word in words)
    ]


def read_rules_document(version: str, path: str) -> RulesDocument:
    """Hash and check one document; UserError naming the file and the first missing section."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{p}: rules document {version!r}: no such file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{p}: rules document {version!r}: not UTF-8 text") from None
    missing = missing_sections(text)
    if missing:
        section = missing[0]
        english, chinese = SECTION_HEADINGS[section]
        raise UserError(
            f"{p}: rules document {version!r} has no section {section!r} "
            f"(a heading '{english}' or '{chinese}'); missing: {', '.join(missing)}"
        )
    return RulesDocument(
        version=version,
        path=str(p),
        sha256=hashlib.sha256(raw).hexdigest(),
        sections=tuple(REQUIRED_SECTIONS),
    )


def load_registry(path: Path) -> dict[str, RulesDocument]:
    """The registered documents by version; an empty dict when nothing is registered yet."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        docs = data["documents"]
        return {
            d["version"]: RulesDocument(d["version"], d["path"], d["sha256"], tuple(d["sections"]))
            for d in docs
        }
    except (ValueError, KeyError, TypeError):
        raise UserError(f"{path}: not a tdg rules registry") from None


def register(
    documents: Iterable[tuple[str, str]], registry_path: Path
) -> tuple[list[RulesDocument], list[str]]:
    """Register (version, path) pairs; returns all registered documents and the new versions.

    A version already registered with other bytes is an error (register a new version).
    """
    registered = load_registry(registry_path)
    added: list[str] = []
    for version, path in documents:
        doc = read_rules_document(version, path)
        old = registered.get(version)
        if old is not None and old.sha256 != doc.sha256:
            raise UserError(
                f"{path}: rules version {version!r} is registered with sha256 "
                f"{old.sha256[:12]}…, the file now hashes to {doc.sha256[:12]}…; "
                f"give the changed rules a new version"
            )
        if old is None:
            registered[version] = doc
            added.append(version)
    registry_path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": REGISTRY_FORMAT,
        "documents": [registered[v].as_dict() for v in sorted(registered)],
    }
    tmp = registry_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(registry_path)
    return [registered[v] for v in sorted(registered)], added


def verify_registered(registered: dict[str, RulesDocument]) -> list[str]:
    """Problems with registered documents whose file is gone or no longer has its hash."""
    problems = []
    for version, doc in sorted(registered.items()):
        p = Path(doc.path)
        if not p.exists():
            problems.append(f"rules {version}: {p} is missing")
        elif hashlib.sha256(p.read_bytes()).hexdigest() != doc.sha256:
            problems.append(f"rules {version}: {p} changed since registration")
    return problems
