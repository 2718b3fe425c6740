"""Live progress across worker processes, through small files in a local directory.

DirectRunner's `run()` blocks and its metrics are only readable at the end, and worker
processes share nothing with the driver; so each DoFn instance writes its cumulative counts to
its own file (atomically, at most every few seconds) and the driver sums them. Beam metrics
counters are kept as well, for runners with a UI. Only used when the staging directory is local.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


class ProgressReporter:
    """Cumulative counts of one DoFn instance, flushed to `<dir>/<uuid>.json`."""

    def __init__(self, directory: str | None, interval: float = 2.0) -> None:
        self._dir = directory
        self._interval = interval
        self._counts: Counter[str] = Counter()
        self._last = 0.0
        self._path = Path(directory, f"{uuid.uuid4().hex}.json") if directory else None

    def add(self, key: str, n: int = 1) -> None:
        self._counts[key] += n
        if self._path is not None and time.monotonic() - self._last >= self._interval:
            self.flush()

    def flush(self) -> None:
        if self._path is None or not self._counts:
            return
        self._last = time.monotonic()
        tmp = self._path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(self._counts))
            os.replace(tmp, self._path)
        except OSError:
            pass  # progress is best-effort; the run's results never depend on it


def read_progress(directory: str) -> Counter[str]:
    total: Counter[str] = Counter()
    for path in Path(directory).glob("*.json"):
        try:
            total.update(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return total


class ProgressMonitor:
    """A driver thread that sums progress files and renders one status line on stderr."""

    def __init__(
        self,
        directory: str,
        render: Callable[[Counter[str]], str],
        interval: float = 2.0,
        stream: TextIO = sys.stderr,
    ) -> None:
        self._dir = directory
        self._render = render
        self._interval = interval
        self._stream = stream
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tdg-progress", daemon=True)
        self._tty = stream.isatty()
        self._last_line = ""

    def __enter__(self) -> ProgressMonitor:
        Path(self._dir).mkdir(parents=True, exist_ok=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._emit(final=True)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._emit()

    def _emit(self, final: bool = False) -> None:
        counts = read_progress(self._dir)
        if not counts:
            return
        line = self._render(counts)
        if line == self._last_line and not final:
            return
        self._last_line = line
        if self._tty:
            self._stream.write(f"\r\x1b[K{line}" + ("\n" if final else ""))
        else:
            self._stream.write(line + "\n")
        self._stream.flush()
