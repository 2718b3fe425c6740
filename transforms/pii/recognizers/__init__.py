"""Registry of tdg's recognizers: every module of this package contributes one.

Adding a recognizer is one file here defining `RECOGNIZER = <class>` (a Presidio
`EntityRecognizer` subclass whose constructor takes `supported_language`) plus one case file
`tests/fixtures/recognizers/<module>.yaml`. `base` and modules starting with `_` are not
recognizers.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from presidio_analyzer import EntityRecognizer

_NOT_RECOGNIZERS = frozenset({"base"})


def recognizer_modules() -> dict[str, type[EntityRecognizer]]:
    """Module name -> recognizer class, in module-name order (deterministic)."""
    found: dict[str, type[EntityRecognizer]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in _NOT_RECOGNIZERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        recognizer = getattr(module, "RECOGNIZER", None)
        if not (isinstance(recognizer, type) and issubclass(recognizer, EntityRecognizer)):
            raise TypeError(
                f"{module.__name__}: RECOGNIZER must be an EntityRecognizer subclass "
                "(one recognizer per module)"
            )
        found[info.name] = recognizer
    return found


def recognizer_classes() -> list[type[EntityRecognizer]]:
    return list(recognizer_modules().values())


def build_recognizers(languages: Iterable[str] = ("en", "zh")) -> list[EntityRecognizer]:
    """One instance per class and language (a Presidio recognizer serves one language)."""
    classes = recognizer_classes()
    return [cls(supported_language=language) for language in languages for cls in classes]  # type: ignore[call-arg]
