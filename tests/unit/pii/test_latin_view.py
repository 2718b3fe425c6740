"""LatinView: the English model's short view of Chinese text, and spans mapped back."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from tdg.transforms.pii.latin_view import LatinView

texts = st.text(alphabet=st.sampled_from(list("ab Z9.@-_，张伟说和\n")), max_size=40)


def test_keeps_the_runs_between_ideographs_that_hold_a_latin_letter_trimmed() -> None:
    view = LatinView.of("我的同事David说Sarah Connor下周来，电话13812345678，邮箱 a.b@x.cn。")
    assert view.text == "David Sarah Connor a.b@x.cn "


def test_a_name_with_a_non_ascii_letter_keeps_it() -> None:
    assert LatinView.of("我和José见面").text == "José "


def test_a_text_without_latin_letters_has_an_empty_view() -> None:
    assert LatinView.of("电话13812345678，价格8646元").text == ""


def test_a_span_across_the_separator_is_cut_into_one_span_per_run() -> None:
    original = "我的同事David说Sarah Connor下周来"
    view = LatinView.of(original)
    start = view.text.index("David")
    end = view.text.index("Connor") + len("Connor")
    spans = view.to_original(start, end)
    assert [original[s:e] for s, e in spans] == ["David", "Sarah Connor"]


@given(texts)
def test_every_view_character_maps_back_to_the_same_original_character(text: str) -> None:
    view = LatinView.of(text)
    for position, character in enumerate(view.text):
        mapped = view.to_original(position, position + 1)
        if character == " " and mapped == []:
            continue  # a separator, not a character of the original
        [(start, end)] = mapped
        assert (end - start, text[start]) == (1, character)


@given(texts, st.integers(0, 40), st.integers(0, 40))
def test_mapped_spans_are_ordered_disjoint_and_inside_the_original(
    text: str, a: int, b: int
) -> None:
    view = LatinView.of(text)
    start, end = sorted((min(a, len(view.text)), min(b, len(view.text))))
    spans = view.to_original(start, end)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(spans))
    assert sum(e - s for s, e in spans) <= end - start
