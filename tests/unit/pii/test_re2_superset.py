"""re2_superset: every text a Python regex matches in, its RE2 rewrite matches in too."""

from __future__ import annotations

import re

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.re2_superset import _every_character, re2_superset

# Each construct the rewrite handles, and whether the rewrite is exact.
_PATTERNS = [
    (r"[0-9]{3}[- .]?[0-9]{2}", True),
    (r"(?:Mr|Mrs|Dr)\.? [A-Z][a-z]+", True),
    (r"[^a-c\n]x", True),
    (r"a{2,}b*?c+?", True),
    (r"\d\w\s\D\W\S", True),
    (r"[\d.][^\w\s]", True),
    (r"(?s:a.b)", False),  # a local DOTALL: `.` is widened for the whole pattern
    (r"(?s)a.b", True),
    (r"a.b", False),  # `.` takes a line break in RE2 as written here
    (r"\bab\b|^x|y$|\Az|w\Z|\Bq", False),
    (r"(?<![0-9])[0-9]{3}(?![0-9])", True),  # edge lookarounds consume their characters
    (r"(?<=[A-Z]{2})[0-9]{2}(?=-)", True),
    (r"(?:(?<![a-z])x|y(?<=y))z", False),  # a lookbehind after `y` is consumed: dropped
    (r"(?<![0-9])(?<![a-z])1", False),  # two lookbehinds at one edge: the second dropped
    (r"\b[0-9]{2}", True),  # a boundary before a word character: the one before is not
    (r"\b[.]x", True),  # a boundary before a non-word character: the one before is
    (r"\b(?:a|-)", False),  # either kind: dropped
    (r"^ab|cd$|\Aef|gh\Z", True),
    (r"(?m)^ab|c$", True),  # a line's ends: RE2's own multi-line anchors
    (r"(?m:^ab)", False),  # a scoped flag: not tracked, the anchor is dropped
    (r"(?a:\bx)", False),
    (r"(?<![^a])b", True),
    (r"(?<!(?i:k))x", False),
    (r"(?ims)^[0-9]{3}\b|\bk[a-z]\b$", False),  # Presidio's flags; `k` folds to the Kelvin sign
    (r"(?ims)^[0-9]{3}-?[0-9]{2}\b", True),  # nothing cased: case is not ignored
    (r"(?a)\b\w[\W]\b", False),
    (r"(?a)[^\W]", False),
    (r"(?a)(?<!\w)s(?![\W])", False),  # ASCII categories in edge lookarounds: dropped
    (r"(?a)(?<![^\d])x", False),
    (r"(?i)\b[\u03b8-\u03ba]|[\u0340-\u0345]\b", False),  # U+0345 folds to iota
    (r"a{1001,}", False),
    (r"[0-9](?<=[A-Za-z][0-9])[0-9]", False),
    (r"(a|b)c\1", False),
    (r"(a)?(?(1)b|c)", False),
    (r"(?>ab|a)b", False),
    (r"a++b", False),
    (r"(?i)ks", False),
    (r"(?i:[a-z]{2})[0-9]", False),
    (r"(?i)[^k]s", False),
    (r"(?i)[^\d]x", False),
    (r"(?i:i)(?-i:I)", False),
    (r"x{1001}", False),
    (r"[\u4e00-\u9fff]{2,3}(?:先生|女士)", True),
    (r"[\uff10-\uff19]+|[0-9]+", True),
]
_ALPHABET = (
    "\u03bc\u03c2\u0390\ufb05\u1fbe\U0001d7ce\u0660\u3000\u0345\u03b9"
    "0123456789 .-\nabcxyzqwkKsSiIİıſK\u212aMrsD@\u4eac\u5148\u751f\u5973\u58eb\uff11\u00a0\u2028é"
)


@pytest.mark.parametrize(("pattern", "exact"), _PATTERNS)
def test_every_construct_compiles_in_re2_and_says_whether_it_is_exact(
    pattern: str, exact: bool
) -> None:
    rewrite = re2_superset(pattern)
    re2.compile(rewrite.pattern)
    assert rewrite.exact is exact


@given(st.text(alphabet=_ALPHABET, max_size=24))
@settings(max_examples=400, deadline=None)
def test_the_rewrite_matches_wherever_python_does_and_exactly_when_exact(text: str) -> None:
    for pattern, _ in _PATTERNS:
        rewrite = re2_superset(pattern)
        python = re.search(pattern, text) is not None
        rewritten = re2.search(rewrite.pattern, text) is not None
        if python:
            assert rewritten, (pattern, rewrite.pattern, text)
        if rewrite.exact:
            assert rewritten is python, (pattern, text)


@pytest.mark.parametrize("escape", [r"\d", r"\w", r"\s", r"\D", r"\W", r"\S"])
def test_categories_take_exactly_the_characters_python_takes(escape: str) -> None:
    """Over every code point: RE2's own `\\d` is ASCII, and its Unicode tables are not
    Python's; the rewrite lists Python's characters itself."""
    every = _every_character()
    rewritten = re2.compile(f"(?:{re2_superset(escape).pattern})+")
    assert [m.span() for m in rewritten.finditer(every)] == [
        m.span() for m in re.finditer(f"{escape}+", every)
    ]


@pytest.mark.parametrize("letter", ["k", "s", "i", "I", "K", "\u03c3", "\u00b5", "ß", "é"])
def test_an_ignorecase_letter_takes_every_character_python_folds_to_it(letter: str) -> None:
    """`re` folds some pairs RE2 does not (`i` and `İ`): the rewrite lists them."""
    for pattern in (f"(?i){re.escape(letter)}", f"(?i)[{re.escape(letter)}]"):
        rewrite = re2.compile(f"^(?:{re2_superset(pattern).pattern})$")
        python = re.compile(pattern)
        for code in range(0x3000):
            char = chr(code)
            if python.fullmatch(char):
                assert rewrite.search(char), (pattern, hex(code))


def test_an_unknown_construct_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="no RE2 rewrite"):
        from tdg.transforms.pii import re2_superset as module

        module._Rewriter(dotall=False, multiline=False).item(object(), None, False, False, False)
