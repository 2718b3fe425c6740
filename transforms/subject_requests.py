"""Data-subject requests (PIPL Art. 45-47): one JSON object per line of a requests file.

A request names its subject by subject id and/or by identifier values. The values are only ever
held in memory to compute keyed fingerprints (`transforms/pii/fingerprint.py`); nothing here
renders them, so a validation error names the file, the line and the field, never the value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tdg.transforms.errors import UserError
from tdg.transforms.pii.entities import SENSITIVITY, Sensitivity
from tdg.transforms.pii.fingerprint import fingerprint


class RequestKind(StrEnum):
    ERASE = "erase"  # PIPL Art. 47: delete -> a new version without the subject's records
    BLOCK = "block"  # Art. 47 para. 2: stop processing -> excluded from every future run
    ACCESS = "access"  # Art. 45: which records, where from, what was done (no text)


# Short names people use in a request, mapped onto the entity types the pipeline fingerprints.
IDENTIFIER_ALIASES: dict[str, str] = {
    "phone": "PHONE_NUMBER",
    "mobile": "PHONE_NUMBER",
    "email": "EMAIL_ADDRESS",
    "resident_id": "CN_RESIDENT_ID",
    "id_number": "CN_RESIDENT_ID",
    "bank_card": "CREDIT_CARD",
    "credit_card": "CREDIT_CARD",
    "passport": "CN_PASSPORT",
    "name": "PERSON",
    "qq": "QQ_NUMBER",
    "wechat": "WECHAT_ID",
    "weixin": "WECHAT_ID",
}

# The pipeline fingerprints direct and sensitive identifiers only (pii/deidentify.py); a request
# for a quasi-identifier (an address, a plate) could never match anything.
FINGERPRINTED_TYPES = frozenset(
    name
    for name, sensitivity in SENSITIVITY.items()
    if sensitivity in (Sensitivity.DIRECT, Sensitivity.SENSITIVE)
)


_TYPE_NAME = re.compile(r"[A-Za-z_]{1,40}")


def canonical_identifier_type(name: str) -> str:
    """An alias or entity type -> the entity type; ValueError for one that is never indexed."""
    entity = IDENTIFIER_ALIASES.get(name.strip().lower(), name.strip().upper())
    if entity not in FINGERPRINTED_TYPES:
        known = ", ".join(sorted(IDENTIFIER_ALIASES))
        # a value put in the wrong field must not be echoed: only name-like types are shown
        shown = repr(name) if _TYPE_NAME.fullmatch(name) else "(not shown)"
        raise ValueError(
            f"unknown or unindexed identifier type {shown} "
            f"(use an entity type such as PHONE_NUMBER, or one of: {known})"
        )
    return entity


class Identifier(BaseModel):
    """One identifier value and its type. `repr` hides the value, so it never reaches a log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    value: str = Field(min_length=1, repr=False)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        return canonical_identifier_type(value)

    @field_validator("value")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class SubjectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    request_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
    kind: RequestKind
    subject_id: str | None = Field(default=None, min_length=1)
    identifiers: list[Identifier] = Field(default_factory=list)
    reason: str | None = None
    received_at: datetime | None = None

    @model_validator(mode="after")
    def _names_a_subject(self) -> SubjectRequest:
        if self.subject_id is None and not self.identifiers:
            raise ValueError("a request needs subject_id and/or identifiers")
        return self

    def fingerprints(self, key: bytes) -> frozenset[tuple[str, str]]:
        """(entity type, keyed fingerprint) of every identifier, computed in memory only."""
        return frozenset((i.type, fingerprint(i.type, i.value, key)) for i in self.identifiers)


def _render(path: str, line: int, exc: ValidationError) -> str:
    """`file:line: field: message` per problem; pydantic's input echo is left out on purpose."""
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(request)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "enum":
            msg = f"must be one of {', '.join(k.value for k in RequestKind)}"
        problems.append(f"{loc}: {msg}")
    return f"{path}:{line}: " + "; ".join(problems)


def parse_requests(lines: Iterable[str], path: str = "<requests>") -> list[SubjectRequest]:
    """Requests from JSONL text; UserError naming `path:line` for the first bad line."""
    requests: list[SubjectRequest] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict):
            raise UserError(f"{path}:{number}: expected a JSON object")
        try:
            request = SubjectRequest.model_validate(data)
        except ValidationError as exc:
            raise UserError(_render(path, number, exc)) from None
        if request.request_id in seen:
            raise UserError(
                f"{path}:{number}: request_id {request.request_id!r} repeats line "
                f"{seen[request.request_id]}"
            )
        seen[request.request_id] = number
        requests.append(request)
    return requests


def load_requests(path: str | Path) -> list[SubjectRequest]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise UserError(f"{p}: not UTF-8 text") from None
    except OSError as exc:
        raise UserError(f"{p}: cannot read: {exc.strerror}") from None
    return parse_requests(text.splitlines(), str(p))
