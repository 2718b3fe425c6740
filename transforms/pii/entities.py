"""Entity types tdg detects and how sensitive each is (PIPL Art. 28; GB/T 35273 Annex B).

Names follow Presidio where it has one. The consent stage reads `SENSITIVITY` to decide
whether a record needs separate consent; the de-identification stage reads `DEFAULT_OPERATOR`.
"""

from __future__ import annotations

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
    "HK_ID": Sensitivity.SENSITIVE,
    "TW_ID": Sensitivity.SENSITIVE,
    "CN_LICENSE_PLATE": Sensitivity.QUASI,  # with place and time it is whereabouts
    "CN_ADDRESS": Sensitivity.QUASI,
}


def sensitivity_of(entity_type: str) -> Sensitivity:
    """Unknown types are treated as direct identifiers: the safe default."""
    return SENSITIVITY.get(entity_type, Sensitivity.DIRECT)
