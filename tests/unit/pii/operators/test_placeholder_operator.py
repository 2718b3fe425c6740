from __future__ import annotations

from tdg.transforms.pii.operators import OPERATORS, Placeholder, keeps_anonymized


def test_placeholder_names_the_type_only() -> None:
    op = Placeholder()
    op.validate({})
    assert op.operate("张三", {"entity_type": "PERSON"}) == "<PERSON>"
    assert op.operate("x", {"entity_type": "CN_RESIDENT_ID"}) == "<CN_RESIDENT_ID>"
    assert OPERATORS["placeholder"] is Placeholder and keeps_anonymized("placeholder")
