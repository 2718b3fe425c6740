"""Canonical JSON: one byte string per value, so a signature or a hash chain can cover a document.

A signature covers bytes, not meaning. If the signer wrote `{"a":1,"b":2}` and a reader re-encodes
the same document as `{"b": 2, "a": 1}`, the signature would no longer match although nothing
changed. Hashing and signing therefore always go through `canonical_json`, and documents on disk
may be pretty-printed freely: verification parses them and re-canonicalizes.

Rules: object keys sorted, no insignificant whitespace, UTF-8 (non-ASCII characters written as
themselves, not `\\uXXXX`), and only JSON values (str keys, no NaN or infinities, no bytes or
dates: convert those to strings first, explicitly).

Close to RFC 8785 (JSON Canonicalization Scheme), with three differences that do not matter for
the documents tdg writes (str, int, bool, null and the odd float from a statistic):
- keys are sorted by Unicode code point, RFC 8785 sorts by UTF-16 code unit; the two orders differ
  only when keys mix characters above U+FFFF with characters in U+E000..U+FFFF;
- floats are written with Python's shortest round-trip `repr` (`1e+16`, `1.0`), not ECMAScript's
  Number.toString (`10000000000000000`, `1`); the value survives a JSON round trip either way;
- integers are written exactly at any size, RFC 8785 (I-JSON) limits them to 2^53.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any


class CanonicalJsonError(ValueError):
    """A value that has no canonical JSON form (NaN, a non-str key, a set, bytes...)."""


def canonical_json(obj: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value; raises CanonicalJsonError for non-JSON values."""
    _check(obj, "$")
    try:
        text = json.dumps(
            obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate in a string
        raise CanonicalJsonError(f"string is not valid Unicode: {exc.reason}") from None


def sha256_json(obj: Any) -> str:
    """Hex sha256 of `canonical_json(obj)`."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def _check(obj: Any, where: str) -> None:
    """Reject what json.dumps would coerce silently (an int key to a string, NaN to a token)."""
    if obj is None or isinstance(obj, bool | int | str):
        return
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise CanonicalJsonError(f"{where}: {obj!r} is not a JSON number")
        return
    if isinstance(obj, dict):
        for key, value in obj.items():
            if not isinstance(key, str):
                raise CanonicalJsonError(f"{where}: object key {key!r} is not a string")
            _check(value, f"{where}.{key}")
        return
    if isinstance(obj, list | tuple):  # a tuple encodes exactly as the list it round-trips to
        for index, value in enumerate(obj):
            _check(value, f"{where}[{index}]")
        return
    raise CanonicalJsonError(f"{where}: {type(obj).__name__} is not a JSON value")
