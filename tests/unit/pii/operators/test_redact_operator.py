from __future__ import annotations

from presidio_anonymizer.operators import OperatorType

from tdg.transforms.pii.operators import OPERATORS, Redact, keeps_anonymized


def test_redact_removes_the_value() -> None:
    op = Redact()
    op.validate({})
    assert op.operate("13812345678", {"entity_type": "PHONE_NUMBER"}) == ""
    assert op.operator_name() == "redact" and op.operator_type() is OperatorType.Anonymize
    assert OPERATORS["redact"] is Redact and keeps_anonymized("redact")
