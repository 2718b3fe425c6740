"""RunnerScreen: which runners a text passes, in one RE2 pass."""

from __future__ import annotations

import random
import re

import pytest
import re2

from tdg.transforms.pii.runner_screen import RunnerScreen


def test_a_runner_passes_a_text_only_where_all_its_conditions_match() -> None:
    screen = RunnerScreen(
        [
            (re.compile("[0-9]{4}"), re.compile("@")),
            (re.compile("(?<![a-z])x"), None),
            (re.compile("x(?<=ax)"), None),
            (None, None),
        ]
    )
    texts = ["1234 a@b", "1234", "ax", "x", ""]
    assert screen.passing(texts) == [(0, [0]), (1, [3]), (2, [2, 3]), (3, [0, 1, 2, 3, 4])]
    # A lookbehind at the start consumes the character before in RE2: exact. One after `x`
    # is dropped (`x` alone passes): the caller checks that regex again.
    assert screen.exact == [(True, True), (True, True), (False, True), (True, True)]


def test_a_condition_re2_refuses_passes_every_text_and_is_left_to_the_caller() -> None:
    too_big = re.compile("(?:(?:a{1000}){1000}){1000}")  # over RE2's program size limit
    screen = RunnerScreen([(too_big, re.compile("b"))])
    assert screen.passing(["b", "a"]) == [(0, [0])]
    assert screen.exact == [(False, True)]


def test_no_condition_at_all_passes_everything() -> None:
    screen = RunnerScreen([(None,), ()])
    assert screen.passing(["a", "b"]) == [(0, [0, 1]), (1, [0, 1])]
    assert screen.passing([]) == []


def test_long_texts_with_many_matches_are_screened_alike() -> None:
    """The many-match automaton runs to the end of the text, however often it matches."""
    screen = RunnerScreen([(re.compile("[0-9]{3}"),), (re.compile("zz"),)])
    long = "123 " * 50_000 + "zz"
    assert screen.passing([long, "12"]) == [(0, [0]), (1, [0])]


def test_a_state_cache_too_small_for_the_text_slows_the_screen_but_changes_no_answer() -> None:
    """RE2's many-match automaton empties a full state cache and goes on; it never reports
    "no match" for running out of memory (a budget too small for one state fails to
    compile instead)."""
    from tests.detectors import fast_detector

    detector = fast_detector()
    conditions = [(r.prefilter, r.screened_candidates) for r in detector._universal]
    rng = random.Random(7)
    alphabet = "0123456789 -+@.:/()abcxyzKMDPS北京市朝阳区手机号码身份证联系人先生，。：\n"
    texts = ["".join(rng.choice(alphabet) for _ in range(200)) for _ in range(150)]
    roomy = RunnerScreen(conditions).passing(texts)
    assert RunnerScreen(conditions, max_memory=8 << 20).passing(texts) == roomy
    with pytest.raises(re2.error):
        RunnerScreen(conditions, max_memory=1 << 20)


def test_a_lone_surrogate_is_screened_like_any_non_word_character() -> None:
    screen = RunnerScreen([(re.compile("(?<![0-9])[0-9]{3}(?![0-9])"),)])
    assert screen.passing(["call 138 \ud800", "\ud800x"]) == [(0, [0])]
