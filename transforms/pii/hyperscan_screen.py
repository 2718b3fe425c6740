"""Which of many regexes match a text: one Hyperscan scan instead of one `re` scan each.

The engine screens every text with each pattern recognizer's prefilter, context words and
candidate regex before running the recognizer. With Python's `re` that is ~40 scans per batch
(joined texts, `engine._matching`) after digit and character gates, about two fifths of a
fast pass over English text. Hyperscan compiles all of them into one automaton ahead of time
(no lazily built states, so unseen text costs what seen text does) and scans a text for all
of them at once. The regexes are first rewritten for it (`hyperscan_rewrite`): a screen
passes every text the originals match, and where a rewrite is wider, callers check the texts
it passes again with `re`.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tdg.transforms.pii.hyperscan_rewrite import SENTINEL, ScreenPattern

log = logging.getLogger(__name__)


def _hyperscan() -> Any | None:
    try:
        return importlib.import_module("hyperscan")
    except Exception:  # not installed, or no build for this platform or CPU
        return None


class HyperscanScreen:
    """One Hyperscan database over groups of regexes; `passing` tells which groups have all
    their regexes match a text (ASCII, or any text when built `wide`).

    A group is what one recognizer needs (its prefilter, context words and candidates).
    Hyperscan's own logical combinations would report passing groups only, but refuse
    regexes whose matches it reports late (one ending in `\\b`), so each regex reports its
    first match and the groups are counted here. Compiling takes a few seconds, once per
    machine (`_database`: kept serialized in the process and on disk; each screen loads its
    own copy). Not shared between threads: a scan needs its own scratch space.
    """

    def __init__(self, groups: Sequence[Sequence[ScreenPattern]], wide: bool = False) -> None:
        """`wide`: the patterns are rewritten for any text (`hyperscan_pattern(wide=True)`),
        which is scanned as UTF-8."""
        self._encoding = ("utf-8", "surrogatepass") if wide else ("ascii", "strict")
        hyperscan = _hyperscan()
        if hyperscan is None:
            raise RuntimeError("hyperscan is not available")
        self._terminated = hyperscan.ScanTerminated
        patterns = tuple(p.pattern for group in groups for p in group)
        self._database = _database(hyperscan, patterns)
        self._scratch = hyperscan.Scratch(database=self._database)
        self._group_of = [index for index, group in enumerate(groups) for _ in group]
        self._size = [len(group) for group in groups]

    def passing(self, text: str) -> list[int]:
        """Indexes of the groups whose regexes all match `text`, in no set order."""
        found: list[int] = []
        try:  # noqa: SIM105 (`contextlib.suppress` costs a context manager per text)
            self._database.scan(
                (SENTINEL + text + SENTINEL).encode(*self._encoding),
                match_event_handler=_append_id,
                context=found,
                scratch=self._scratch,
            )
        except self._terminated:
            pass  # every pattern is single-match and all have matched: Hyperscan stops early
        group_of = self._group_of
        counts: dict[int, int] = {}
        for id_ in found:
            group = group_of[id_]
            counts[group] = counts.get(group, 0) + 1
        size = self._size
        return [group for group, count in counts.items() if count == size[group]]


_SERIALIZED: dict[tuple[str, ...], bytes] = {}
_SERIALIZED_KEPT = 4  # a process builds one or two kinds of detector


def cache_dir() -> Path:
    """Where compiled databases are kept between processes: `$TDG_CACHE_DIR`, else
    `$XDG_CACHE_HOME/tdg`, else `~/.cache/tdg`."""
    if os.environ.get("TDG_CACHE_DIR"):
        return Path(os.environ["TDG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tdg"


def _database(hyperscan: Any, patterns: tuple[str, ...]) -> Any:
    """A database of `patterns`, loaded from a serialized copy: this process's, else the
    cache directory's, else compiled now (a few seconds) and kept in both.

    The file is named by a digest of the patterns and Hyperscan's version; Hyperscan itself
    refuses a copy built for another CPU, which is then compiled again. A cache that cannot
    be read or written only costs the compile."""
    kept = _SERIALIZED.get(patterns)
    if kept is not None:
        return hyperscan.loadb(kept, hyperscan.HS_MODE_BLOCK)
    digest = hashlib.sha256(
        "\n".join((str(getattr(hyperscan, "__version__", "")), *patterns)).encode()
    ).hexdigest()[:32]
    path = cache_dir() / f"screen-{digest}.hsdb"
    database = None
    try:
        serialized = path.read_bytes()
        database = hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
    except Exception:  # absent, unreadable, or built for another platform
        database = None
    if database is None:
        database = _compiled(hyperscan, patterns)
        serialized = hyperscan.dumpb(database)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(serialized)
            os.replace(partial, path)  # whole or not at all, for processes reading it
        except OSError as exc:
            log.info("compiled screen not cached in %s: %s", path.parent, exc)
    if len(_SERIALIZED) >= _SERIALIZED_KEPT:
        _SERIALIZED.clear()
    _SERIALIZED[patterns] = serialized
    return database


def _compiled(hyperscan: Any, patterns: Sequence[str]) -> Any:
    """The database: each pattern's id is its index; it reports its first match only."""
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[p.encode("ascii") for p in patterns],
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=[hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY] * len(patterns),
    )
    return database


def _append_id(id_: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(id_)


def compilable(pattern: ScreenPattern) -> bool:
    """Whether Hyperscan accepts `pattern` on its own (one bad pattern fails a database)."""
    hyperscan = _hyperscan()
    if hyperscan is None:
        return False
    try:
        _compiled(hyperscan, (pattern.pattern,))
    except Exception:
        return False
    return True


def available() -> bool:
    return _hyperscan() is not None
