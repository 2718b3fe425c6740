"""NormalizedView: folding, and offsets that map back to exactly the original characters."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdg.transforms.pii.normalized_view import (
    DASH_CHARACTERS,
    REMOVED_CHARACTERS,
    SPACE_CHARACTERS,
    NormalizedView,
)

# Mostly the characters the view treats specially, mixed with ASCII and CJK.
_ALPHABET = st.sampled_from(
    list("0123456789X -abc身份证号。")
    + [chr(c) for c in (0xFF10, 0xFF15, 0xFF19, 0xFF38, 0xFF0D, 0xFF08, 0xFF5E, 0xFF01, 0x3000)]
    + list(SPACE_CHARACTERS)
    + list(DASH_CHARACTERS)
    + list(REMOVED_CHARACTERS)
)
texts = st.text(alphabet=_ALPHABET, max_size=40) | st.text(max_size=40)


def _fold(text: str) -> str:
    return NormalizedView.of(text).text


def test_folds_full_width_and_removes_zero_width() -> None:
    view = NormalizedView.of("身份证号１１０１\u200b０５\u3000Ｘ\u00ad！")
    assert view.text == "身份证号110105 X!"


@pytest.mark.parametrize("space", list(SPACE_CHARACTERS))
def test_space_separators_fold_to_a_space_in_place(space: str) -> None:
    text = f"手机 138{space}1234{space}5678"
    view = NormalizedView.of(text)
    assert view.text == "手机 138 1234 5678"
    assert view.is_identity
    assert view.to_original(3, 16) == (3, 16)


@pytest.mark.parametrize("dash", [*DASH_CHARACTERS, "\uff0d"])
def test_dashes_and_minus_fold_to_a_hyphen_in_place(dash: str) -> None:
    view = NormalizedView.of(f"电话010{dash}62345678")
    assert view.text == "电话010-62345678"
    assert view.is_identity


def test_every_unicode_space_separator_is_folded() -> None:
    spaces = {c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Zs"}
    assert spaces - {" "} == set(SPACE_CHARACTERS)


def test_folded_separators_next_to_removed_characters_map_back_exactly() -> None:
    text = "a\u00a0\u200b138\u2013\u200d1234\u30005678\u2014b"
    view = NormalizedView.of(text)
    assert view.text == "a 138-1234 5678-b"
    start = view.text.index("138")
    o_start, o_end = view.to_original(start, start + len("138-1234 5678"))
    assert text[o_start:o_end] == "138\u2013\u200d1234\u30005678"


def test_em_dashes_between_words_stay_dashes_between_words() -> None:
    assert NormalizedView.of("他说——好的").text == "他说--好的"


def test_ascii_text_is_its_own_view() -> None:
    text = "tel 13812345678"
    view = NormalizedView.of(text)
    assert view.text is text
    assert view.is_identity
    assert view.to_original(4, 15) == (4, 15)


def test_span_includes_inner_zero_width_but_not_outer() -> None:
    text = "a\u200b1\u200b2\u200bb"
    view = NormalizedView.of(text)
    assert view.text == "a12b"
    assert text[slice(*view.to_original(1, 3))] == "1\u200b2"


def test_out_of_range_span_is_rejected() -> None:
    with pytest.raises(ValueError):
        NormalizedView.of("abc").to_original(2, 5)


@given(texts, st.data())
def test_mapped_back_span_folds_to_the_view_span(text: str, data: st.DataObject) -> None:
    view = NormalizedView.of(text)
    start = data.draw(st.integers(0, len(view.text)))
    end = data.draw(st.integers(start, len(view.text)))
    o_start, o_end = view.to_original(start, end)
    assert 0 <= o_start <= o_end <= len(text)
    assert _fold(text[o_start:o_end]) == view.text[start:end]


@given(texts)
def test_every_view_character_maps_to_one_original_character(text: str) -> None:
    view = NormalizedView.of(text)
    for i, char in enumerate(view.text):
        o_start, o_end = view.to_original(i, i + 1)
        assert o_end == o_start + 1
        assert _fold(text[o_start]) == char


@given(texts)
def test_view_is_idempotent(text: str) -> None:
    view = NormalizedView.of(text).text
    assert _fold(view) == view
