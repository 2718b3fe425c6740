"""Entity types tdg detects and how sensitive each is (PIPL Art. 28; GB/T 35273 Annex B).

Names follow Presidio where it has one. The consent stage reads `SENSITIVITY` to decide
whether a record needs separate consent; the de-identification stage reads `DEFAULT_OPERATOR`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from enum import StrEnum


class Sensitivity(StrEnum):
    DIRECT = "direct_identifier"  # identifies a person on its own
    QUASI = "quasi_identifier"  # identifies in combination (place, plate, organisation code)
    SENSITIVE = "sensitive_pi"  # PIPL Art. 28: needs separate consent


SENSITIVITY: dict[str, Sensitivity] = {
    # Presidio's names
    "PERSON": Sensitivity.DIRECT,
    "EMAIL_ADDRESS": Sensitivity.DIRECT,
    "PHONE_NUMBER": Sensitivity.DIRECT,
    "CREDIT_CARD": Sensitivity.SENSITIVE,
    "IBAN_CODE": Sensitivity.SENSITIVE,
    "US_SSN": Sensitivity.SENSITIVE,
    "US_BANK_NUMBER": Sensitivity.SENSITIVE,
    "US_DRIVER_LICENSE": Sensitivity.DIRECT,
    "US_PASSPORT": Sensitivity.SENSITIVE,
    "US_ITIN": Sensitivity.SENSITIVE,
    "UK_NHS": Sensitivity.SENSITIVE,
    "MEDICAL_LICENSE": Sensitivity.DIRECT,
    "IP_ADDRESS": Sensitivity.QUASI,
    "MAC_ADDRESS": Sensitivity.QUASI,  # a device's, like an IP address (GB/T 35273 A.1)
    "UUID": Sensitivity.QUASI,  # an account, session or device id in some system
    "LOCATION": Sensitivity.QUASI,
    "URL": Sensitivity.QUASI,
    "DATE_TIME": Sensitivity.QUASI,
    "NRP": Sensitivity.SENSITIVE,  # nationality, religious or political group
    "CRYPTO": Sensitivity.SENSITIVE,
    # tdg's Chinese and regional types
    "CN_RESIDENT_ID": Sensitivity.SENSITIVE,  # PIPL Art. 28: specific identity
    "CN_USCC": Sensitivity.QUASI,  # organisation code; category 92 can point to a person
    "CN_PASSPORT": Sensitivity.SENSITIVE,
    "CN_HOME_RETURN_PERMIT": Sensitivity.SENSITIVE,
    "CN_EXIT_ENTRY_PERMIT": Sensitivity.SENSITIVE,  # a travel document, like a passport
    "HK_ID": Sensitivity.SENSITIVE,
    "TW_ID": Sensitivity.SENSITIVE,
    "CN_LICENSE_PLATE": Sensitivity.QUASI,  # with place and time it is whereabouts
    "CN_ADDRESS": Sensitivity.QUASI,
    # personal basic information (GB/T 35273 Annex A); with a name or place, identifying
    "DATE_OF_BIRTH": Sensitivity.QUASI,
    # online accounts: each singles out its holder (PIPL Art. 4)
    "QQ_NUMBER": Sensitivity.DIRECT,
    "WECHAT_ID": Sensitivity.DIRECT,
}


# Entity types NER reports that are not personal information on their own; reported only
# when `DetectionSettings.entities` names them.
NOT_PERSONAL_BY_DEFAULT = frozenset({"ORGANIZATION"})

# How an entity type is spelled (a config may define its own, e.g. for a deny list).
ENTITY_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def check_entity_names(names: Iterable[str]) -> None:
    """ValueError for a name that is not spelled like an entity type (UPPER_CASE)."""
    for name in names:
        if ENTITY_NAME.fullmatch(name) is None:
            raise ValueError(f"{name!r} is not an entity type name (UPPER_CASE)")


# Every type a detector can report: what a config may name.
KNOWN_ENTITY_TYPES = frozenset(SENSITIVITY) | NOT_PERSONAL_BY_DEFAULT


def unknown_entity_problem(names: Iterable[str], custom: Iterable[str] = ()) -> str | None:
    """Why a config's entity names are wrong (a typo would silently switch detection off), or
    None. `custom`: types the config defines itself (deny-list types)."""
    known = KNOWN_ENTITY_TYPES | set(custom)
    for name in names:
        if name not in known:
            close = [k for k in sorted(known) if name and name in k]
            close = close or difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
            hint = f"did you mean {close[0]}?" if close else "see tdg.transforms.pii.entities"
            return f"unknown entity type {name!r} ({hint})"
    return None


def sensitivity_of(entity_type: str) -> Sensitivity:
    """Unknown types are treated as direct identifiers: the safe default."""
    return SENSITIVITY.get(entity_type, Sensitivity.DIRECT)
