"""Plain Presidio as both benches run it: the baseline every tdg figure is a ratio to.

`AnalyzerEngine` with its default recognizers and the given spaCy model, through
`BatchAnalyzerEngine` (one `nlp.pipe` over a batch: the fastest way Presidio's documentation
offers). Chinese text goes through its English pipeline: Presidio has no Chinese model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

# `analyze_iterator`'s batch: Presidio's fastest here (3% ahead of 64), and the same as tdg's
# default `nlp_batch_size`.
PRESIDIO_BATCH_SIZE = 128


class PresidioBaseline:
    """Builds the engine once; `analyze` returns Presidio's results per text."""

    def __init__(self, spacy_model: str) -> None:
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": spacy_model}],
            }
        )
        self._batch = BatchAnalyzerEngine(
            analyzer_engine=AnalyzerEngine(nlp_engine=provider.create_engine())
        )

    def analyze(self, texts: Sequence[str]) -> Iterator[Any]:
        results: Any = self._batch.analyze_iterator(
            list(texts), language="en", batch_size=PRESIDIO_BATCH_SIZE
        )
        return iter(results)
