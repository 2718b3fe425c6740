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

    A group is what one recognizer needs (its gates, prefilter, context words and
    candidates), tested by Hyperscan's logical AND: a scan reports only the groups that pass,
    so Python sees a call or two a text, not one per regex. Hyperscan refuses that for some
    groups ("unordered match": a regex whose match it reports late, one ending in `\\b`);
    such a group is screened by its last regex alone (`whole[group]` False) and callers test
    the rest. Compiling takes a few seconds, once per machine (`_database`: kept serialized in
    the process and on disk; each screen loads its own copy). Not shared between threads: a
    scan needs its own scratch space.
    """

    def __init__(self, groups: Sequence[Sequence[ScreenPattern]], wide: bool = False) -> None:
        """`wide`: the patterns are rewritten for any text (`hyperscan_pattern(wide=True)`),
        which is scanned as UTF-8."""
        self._encoding = ("utf-8", "surrogatepass") if wide else ("ascii", "strict")
        hyperscan = _hyperscan()
        if hyperscan is None:
            raise RuntimeError("hyperscan is not available")
        self._terminated = hyperscan.ScanTerminated
        key = tuple(tuple(p.pattern for p in group) for group in groups)
        self._database, self.whole = _database(hyperscan, key)
        self._scratch = hyperscan.Scratch(database=self._database)
        self._group_of = _layout(key, self.whole)[1]  # group by reporting id

    def passing(self, text: str) -> list[int]:
        """Indexes of the groups whose regexes all match `text` (for a group not `whole`:
        whose last regex does), in no set order."""
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
        return [group_of[id_] for id_ in found]


Groups = tuple[tuple[str, ...], ...]
_SERIALIZED: dict[Groups, tuple[tuple[bool, ...], bytes]] = {}
_SERIALIZED_KEPT = 4  # a process builds one or two kinds of detector
# In the cache files' names: change it whenever `_layout` or the file format changes, so no
# process loads a database numbered another way.
_FORMAT = "tdg-screen-2"


def _layout(
    groups: Groups, whole: tuple[bool, ...]
) -> tuple[list[tuple[str, bool]], dict[int, int]]:
    """The database's expressions in id order, each (pattern or AND of ids, whether it is an
    AND), and the group each reporting id stands for. A regex that several groups AND is one
    quiet expression; a group not `whole` reports its last regex itself."""
    expressions: list[tuple[str, bool]] = []
    quiet: dict[str, int] = {}
    for group, combined in zip(groups, whole, strict=True):
        if combined:
            for pattern in group:
                if pattern not in quiet:
                    quiet[pattern] = len(expressions)
                    expressions.append((pattern, False))
    reported: dict[int, int] = {}
    for index, (group, combined) in enumerate(zip(groups, whole, strict=True)):
        reported[len(expressions)] = index
        if combined:
            expressions.append((" & ".join(str(quiet[p]) for p in group), True))
        else:
            expressions.append((group[-1], False))
    return expressions, reported


def cache_dir() -> Path:
    """Where compiled databases are kept between processes: `$TDG_CACHE_DIR`, else
    `$XDG_CACHE_HOME/tdg`, else `~/.cache/tdg`."""
    if os.environ.get("TDG_CACHE_DIR"):
        return Path(os.environ["TDG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tdg"


def _database(hyperscan: Any, groups: Groups) -> tuple[Any, tuple[bool, ...]]:
    """A database of `groups` and which of them it tests whole (see `HyperscanScreen`),
    loaded from a serialized copy: this process's, else the cache directory's, else compiled
    now (a few seconds) and kept in both.

    The file is named by a digest of the patterns, the layout's version (`_FORMAT`) and
    Hyperscan's version; Hyperscan itself
    refuses a copy built for another CPU, which is then compiled again. A cache that cannot
    be read or written only costs the compile."""
    kept = _SERIALIZED.get(groups)
    if kept is not None:
        return hyperscan.loadb(kept[1], hyperscan.HS_MODE_BLOCK), kept[0]
    text = "\n\x1f".join("\n".join(group) for group in groups)
    version = str(getattr(hyperscan, "__version__", ""))
    digest = hashlib.sha256(f"{_FORMAT}\n{version}\n{text}".encode()).hexdigest()[:32]
    database = None
    try:
        # `Path.home()` raises where no home directory is known (a container's bare user)
        path: Path | None = cache_dir() / f"screen-{digest}.hsdb"
    except RuntimeError:
        path = None
    try:
        if path is None:
            raise FileNotFoundError("no cache directory")
        layout, serialized = path.read_bytes().split(b"\n", 1)
        whole = tuple(flag == ord("1") for flag in layout)
        if len(whole) != len(groups):
            raise ValueError("layout does not fit")
        database = hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
    except Exception:  # absent, unreadable, or built for another platform
        database = None
    if database is None:
        database, whole = _compiled(hyperscan, groups)
        serialized = hyperscan.dumpb(database)
        layout = "".join("1" if flag else "0" for flag in whole).encode()
        try:
            if path is None:
                raise OSError("no cache directory: set TDG_CACHE_DIR")
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(layout + b"\n" + serialized)
            os.replace(partial, path)  # whole or not at all, for processes reading it
        except OSError as exc:
            log.info("compiled screen not cached: %s", exc)
    if len(_SERIALIZED) >= _SERIALIZED_KEPT:
        _SERIALIZED.clear()
    _SERIALIZED[groups] = (whole, serialized)
    return database, whole


def _compiled(hyperscan: Any, groups: Groups) -> tuple[Any, tuple[bool, ...]]:
    """The database, laid out by `_layout`: per group the AND of its regexes (quiet
    themselves) where Hyperscan takes that, else its one (or last) regex. Each reports its
    first match only."""
    single = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
    combination = hyperscan.HS_FLAG_COMBINATION | hyperscan.HS_FLAG_SINGLEMATCH
    whole = tuple(len(group) > 1 and _combinable(hyperscan, group) for group in groups)
    expressions, reported = _layout(groups, whole)
    flags = [
        combination if is_and else single if index in reported else single | hyperscan.HS_FLAG_QUIET
        for index, (_, is_and) in enumerate(expressions)
    ]
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[text.encode("ascii") for text, _ in expressions],
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=flags,
    )
    return database, whole


def _combinable(hyperscan: Any, group: Sequence[str]) -> bool:
    """Whether Hyperscan takes the AND of these regexes (see `HyperscanScreen`)."""
    single = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
    try:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(
            expressions=[p.encode("ascii") for p in group]
            + [" & ".join(map(str, range(len(group)))).encode()],
            ids=list(range(len(group) + 1)),
            elements=len(group) + 1,
            flags=[single | hyperscan.HS_FLAG_QUIET] * len(group)
            + [hyperscan.HS_FLAG_COMBINATION | hyperscan.HS_FLAG_SINGLEMATCH],
        )
    except Exception:
        return False
    return True


def _append_id(id_: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(id_)


def compilable(pattern: ScreenPattern) -> bool:
    """Whether Hyperscan accepts `pattern` on its own (one bad pattern fails a database)."""
    hyperscan = _hyperscan()
    if hyperscan is None:
        return False
    try:
        _compiled(hyperscan, ((pattern.pattern,),))
    except Exception:
        return False
    return True


def available() -> bool:
    return _hyperscan() is not None
