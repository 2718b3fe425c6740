from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from presidio_anonymizer.entities import InvalidParamError

from tdg.transforms.pii.operators import Mask, keeps_anonymized


def test_mask_keeps_separators_and_the_configured_ends() -> None:
    op = Mask()
    assert op.operate("138 1234 5678", {"keep_last": 4}) == "*** **** 5678"
    assert op.operate("6200-0000-0000-0005", {"keep_first": 2, "keep_last": 4}) == (
        "62**-****-****-0005"
    )
    assert op.operate("张三", {"masking_char": "某"}) == "某某"
    assert keeps_anonymized("mask")


@pytest.mark.parametrize(
    "params", [{"masking_char": "**"}, {"keep_last": -1}, {"keep_first": "2"}, {"masking_char": ""}]
)
def test_bad_parameters_are_refused(params: dict[str, object]) -> None:
    with pytest.raises(InvalidParamError):
        Mask().validate(params)


@given(st.text(min_size=1), st.integers(0, 5), st.integers(0, 5))
def test_mask_preserves_length_and_hides_the_middle(text: str, first: int, last: int) -> None:
    out = Mask().operate(text, {"keep_first": first, "keep_last": last})
    assert len(out) == len(text)
    content = [i for i, c in enumerate(text) if c.isalnum()]
    hidden = content[first : max(first, len(content) - last)]
    assert all(out[i] == "*" for i in hidden)
