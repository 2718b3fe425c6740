"""Per-source detection profile (issue 3, clause 15) on the real Beam runner: a run config's
`sources[].pii.profile` reaches the PII stage (pipelines/certify.py `plan_run`), which picks
each record's Detector by its source. `fast` runs no statistical NER, so an English name in
plain prose is found (and replaced) in the thorough source only."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tdg.pipelines.certify import plan_run
from tdg.pipelines.config import load_config
from tdg.transforms.keys import KeyRing
from tdg.transforms.pii.pii_stage import PiiStageSettings
from tdg.transforms.records import PII_NONE
from tests.pii_stage_runner import run_pii_stage
from tests.record_factory import synthetic_record

pytestmark = pytest.mark.e2e

PROSE = "Please forward this to Nancy Nelson."  # synthetic name
NAME = "Nancy Nelson"


def source(source_id: str, profile: str | None) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": source_id,
        "uri": f"corpus/{source_id}/*.jsonl",
        "format": "jsonl",
        "kind": "open_dataset",
        "licence": "CC-BY-4.0",
    }
    if profile is not None:
        entry["pii"] = {"profile": profile}
    return entry


def stage_settings(
    tmp_path: Path, keys: KeyRing, default: str | None, sources: dict[str, str | None]
) -> PiiStageSettings:
    """The PII stage settings the driver builds from a run config."""
    config: dict[str, object] = {
        "dataset": {"name": "profiles", "version": "1"},
        "output": {"root": "out"},
        "sources": [source(sid, profile) for sid, profile in sources.items()],
    }
    if default is not None:
        config["pii"] = {"detection": {"profile": default}}
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return plan_run(load_config(path), keys).pii


@pytest.mark.parametrize(
    ("default", "sources"),
    [
        # the run's default (thorough) for one source, `fast` set on the other
        (None, {"notes": None, "web": "fast"}),
        # the other way round: the run is fast, one source asks for thorough
        ("fast", {"notes": "thorough", "web": None}),
    ],
    ids=["fast-source-in-thorough-run", "thorough-source-in-fast-run"],
)
def test_each_source_is_scanned_with_its_own_profile(
    default: str | None,
    sources: dict[str, str | None],
    keys: KeyRing,
    tmp_path: Path,
) -> None:
    settings = stage_settings(tmp_path, keys, default, sources)
    assert settings.profiles() == {"thorough", "fast"}
    records = [
        synthetic_record(0, "notes", PROSE, language="en"),
        synthetic_record(1, "web", PROSE, language="en"),
    ]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    accepted, quarantined = run_pii_stage(records, settings, keys, out_dir)
    assert quarantined == []
    by_source = {r.source_id: r for r in accepted}
    assert set(by_source) == {"notes", "web"}

    thorough = by_source["notes"]  # spaCy NER found the name; the default operator replaced it
    assert NAME not in thorough.text
    assert thorough.text.startswith("Please forward this to ")
    assert [(e.entity_type, e.count) for e in thorough.pii] == [("PERSON", 1)]

    fast = by_source["web"]  # no NER: the name is not detected, the text is unchanged
    assert fast.text == PROSE
    assert fast.pii == [] and fast.pii_status == PII_NONE
