"""The LAC model run by tdg: LAC's own tags, exact offsets, batching, its CRF decoding."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.chinese_ner import MAX_PIECE, _pieces, _viterbi, lac_tagger

# Synthetic sentences (templates and generated names) with the (word, tag) pairs that LAC 2.1.2
# itself gives them on PaddlePaddle 2.6 (`LAC(mode="lac").run`).
REFERENCE = Path(__file__).resolve().parents[2] / "fixtures" / "lac_reference.jsonl"
PER = frozenset({"PER"})


def _reference() -> list[dict[str, list[str] | str]]:
    return [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines()]


def test_tags_are_lacs_own() -> None:
    cases = _reference()
    tagged = lac_tagger().tag([str(c["text"]) for c in cases])
    for case, words in zip(cases, tagged, strict=True):
        assert [w for w, _ in words] == case["words"], case["text"]
        assert [t for _, t in words] == case["tags"], case["text"]
    assert sum(t == "PER" for c in cases for t in c["tags"]) >= 30  # names are in there


def test_words_of_some_labels_are_the_tagged_words_with_those_labels() -> None:
    texts = [str(c["text"]) for c in _reference()]
    tagger = lac_tagger()
    every = tagger._word_spans(texts)
    for labels in (PER, frozenset({"PER", "LOC", "n"}), frozenset({"ORG"})):
        chosen = tagger._word_spans(texts, labels)
        assert chosen == [[w for w in words if w[2] in labels] for words in every]
    assert any(chosen)


def test_name_spans_are_offsets_into_the_text() -> None:
    text = "会议由王建国主持，李娜做了总结发言。"  # synthetic
    [spans] = lac_tagger().spans([text], PER)
    assert [text[s.start : s.end] for s in spans] == ["王建国", "李娜"]
    assert {s.label for s in spans} == {"PER"}


def test_long_text_is_cut_into_pieces_and_offsets_hold() -> None:
    filler = "今天天气很好，我们去公园散步，然后回家吃饭。" * 40
    text = filler + "请把材料交给张伟老师审核。"  # synthetic
    assert len(text) > 4 * MAX_PIECE
    [spans] = lac_tagger().spans([text], PER)
    assert [text[s.start : s.end] for s in spans] == ["张伟"]


def test_batch_equals_one_by_one_and_skips_text_without_chinese() -> None:
    texts = [str(c["text"]) for c in _reference()[:12]] + ["", "no Chinese here", "12345"]
    tagger = lac_tagger()
    together = tagger.spans(texts, PER)
    assert together == [tagger.spans([t], PER)[0] for t in texts]
    assert together[-3:] == [[], [], []]


def _brute_force(emission: np.ndarray, start: np.ndarray, end: np.ndarray, transition: np.ndarray):
    labels = emission.shape[1]
    best, best_path = -np.inf, None
    for path in itertools.product(range(labels), repeat=emission.shape[0]):
        score = start[path[0]] + end[path[-1]] + sum(emission[t, y] for t, y in enumerate(path))
        score += sum(transition[a, b] for a, b in itertools.pairwise(path))
        if score > best:
            best, best_path = score, list(path)
    return best_path


@pytest.mark.parametrize("seed", range(20))
def test_viterbi_finds_the_best_path_of_every_padded_sequence(seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels, steps = 3, 5
    lengths = rng.integers(1, steps + 1, size=4)
    emission = rng.normal(size=(4, steps, labels)).astype(np.float32)
    start, end = rng.normal(size=labels), rng.normal(size=labels)
    transition = rng.normal(size=(labels, labels))
    paths = _viterbi(emission, lengths, start, end, transition)
    for row, length in enumerate(lengths):
        expected = _brute_force(emission[row, :length], start, end, transition)
        assert paths[row, :length].tolist() == expected


def test_a_name_across_a_cut_in_a_long_sentence_is_found_whole() -> None:
    tagger = lac_tagger()
    # no sentence end and no comma near the cut: the hard cut overlaps the next piece
    filler = "我们今天在公司的大会议室里开了一个很长的会议大家都发表了自己的看法" * 10
    text = filler[: MAX_PIECE - 3] + "欧阳建国主持了会议"  # synthetic
    assert len(text) > MAX_PIECE
    [spans] = tagger.spans([text], PER)
    assert "欧阳建国" in {text[s.start : s.end] for s in spans}
    # comma-joined clauses: the cut falls after a comma, no name is split
    clauses = "，".join(["今天天气很好我们出去玩"] * 30)
    text = clauses[: MAX_PIECE - 3] + "，王建国主持了会议"
    assert len(text) > MAX_PIECE
    [spans] = tagger.spans([text], PER)
    assert "王建国" in {text[s.start : s.end] for s in spans}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="王李，、。！？\n ab1", max_size=900))
def test_pieces_cover_the_text_and_overlap_only_at_hard_cuts(text: str) -> None:
    covered = 0
    for offset, piece in _pieces(text):
        assert 0 < len(piece) <= MAX_PIECE
        assert text[offset : offset + len(piece)] == piece
        assert offset <= covered  # no gap
        assert covered - offset <= 20  # overlap at most _OVERLAP
        covered = offset + len(piece)
    assert covered == len(text)
