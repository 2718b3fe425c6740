"""De-identification operators: one Presidio anonymizer `Operator` per technique, by name.

What each does to a record's legal status (PIPL Art. 4 and 73): a record is `anonymized` only
if every operator that touched it is IRREVERSIBLE (no key, no mapping, nothing to restore it
with); a KEYED operator (a guess can be tested by whoever holds the key) or a REVERSIBLE one
(the key holder restores the value) leaves it `de-identified`, which is still personal
information and still needs a legal basis. `KEY_NAMES` says which KeyRing key each needs.
"""

from __future__ import annotations

from enum import StrEnum

from presidio_anonymizer.operators import Operator

from tdg.transforms.pii.operators.encrypt import Encrypt
from tdg.transforms.pii.operators.keyed_pseudonym import KeyedPseudonym
from tdg.transforms.pii.operators.mask import Mask
from tdg.transforms.pii.operators.placeholder import Placeholder
from tdg.transforms.pii.operators.redact import Redact
from tdg.transforms.pii.operators.surrogate import Surrogate


class Reversibility(StrEnum):
    IRREVERSIBLE = "irreversible"  # keeps a record anonymized
    KEYED = "keyed"  # linkable by the key holder: de-identified
    REVERSIBLE = "reversible"  # restorable by the key holder: de-identified


OPERATORS: dict[str, type[Operator]] = {
    "redact": Redact,
    "placeholder": Placeholder,
    "mask": Mask,
    "keyed_pseudonym": KeyedPseudonym,
    "surrogate": Surrogate,
    "encrypt": Encrypt,
}

REVERSIBILITY: dict[str, Reversibility] = {
    "redact": Reversibility.IRREVERSIBLE,
    "placeholder": Reversibility.IRREVERSIBLE,
    "mask": Reversibility.IRREVERSIBLE,
    "keyed_pseudonym": Reversibility.KEYED,
    "surrogate": Reversibility.KEYED,
    "encrypt": Reversibility.REVERSIBLE,
}

# operator name -> KeyRing.symmetric() name
KEY_NAMES: dict[str, str] = {
    "keyed_pseudonym": "pseudonym",
    "surrogate": "pseudonym",
    "encrypt": "encryption",
}


def keeps_anonymized(operator_name: str) -> bool:
    return REVERSIBILITY[operator_name] is Reversibility.IRREVERSIBLE


__all__ = [
    "KEY_NAMES",
    "OPERATORS",
    "REVERSIBILITY",
    "Encrypt",
    "KeyedPseudonym",
    "Mask",
    "Placeholder",
    "Redact",
    "Reversibility",
    "Surrogate",
    "keeps_anonymized",
]
