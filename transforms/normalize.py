"""Text normalization: Unicode NFC, control and invisible characters removed.

What was done is kept in the record's `transformations`, so a reviewer can tell a changed
text from an untouched one.
"""

from __future__ import annotations

import re
import unicodedata

from tdg.transforms.records import Quarantined, Record
from tdg.transforms.stage import RecordStageFn

# C0 and C1 controls except tab, newline and carriage return; DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters that carry no text: zero-width space, word joiner, BOM.
# ZWJ/ZWNJ are kept: emoji sequences and some scripts need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


def normalize_text(text: str) -> tuple[str, list[str]]:
    """(normalized text, transformation notes); the notes are empty when nothing changed."""
    notes: list[str] = []
    if not text.isascii():
        nfc = unicodedata.normalize("NFC", text)
        if nfc != text:
            notes.append("normalize.nfc")
            text = nfc
        text, n = _INVISIBLE.subn("", text)
        if n:
            notes.append(f"normalize.removed_invisible={n}")
    text, n = _CONTROL.subn("", text)
    if n:
        notes.append(f"normalize.removed_control={n}")
    return text, notes


def normalize_record(record: Record) -> Record:
    text, notes = normalize_text(record.text)
    if not notes:
        return record
    out = record.with_text(text)
    out.transformations.extend(notes)
    return out


class NormalizeFn(RecordStageFn):
    stage = "normalize"

    def apply(self, record: Record) -> Record | Quarantined:
        return normalize_record(record)
