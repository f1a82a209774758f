"""统一社会信用代码 (GB 32100-2015) structure and check character; no Django imports.

python-stdnum computes the check character, but its validator insists that the first eight
positions are digits, which rejects codes whose registration authority or entity type is a letter
(for example 'A1…' or 'N2…', both allowed by the standard). The structure is checked here instead.
"""

from dataclasses import dataclass
from enum import Enum

from stdnum.cn import uscc as stdnum_uscc

# The standard's 31-character set: digits and capitals without I, O, Z, S, V.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18


class UsccProblem(Enum):
    EMPTY = "empty"
    LENGTH = "length"
    CHARACTER = "character"
    REGION = "region"
    CHECK = "check"


@dataclass(frozen=True)
class UsccError(Exception):
    problem: UsccProblem
    position: int | None = None
    expected: str | None = None


def normalize(value: str) -> str:
    """Upper-case, drop spaces and hyphens, turn full-width characters into ASCII."""
    text = value.translate({0x3000: 0x20}).strip()
    text = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)
    return text.replace(" ", "").replace("-", "").upper()


def check_character(first17: str) -> str:
    return str(stdnum_uscc.calc_check_digit(first17))


def validate(value: str) -> str:
    """Return the normalized code or raise UsccError saying what is wrong."""
    code = normalize(value)
    if not code:
        raise UsccError(UsccProblem.EMPTY)
    if len(code) != LENGTH:
        raise UsccError(UsccProblem.LENGTH)
    for index, char in enumerate(code, start=1):
        if char not in ALPHABET:
            raise UsccError(UsccProblem.CHARACTER, position=index)
    if not code[2:8].isdigit():
        raise UsccError(UsccProblem.REGION)
    expected = check_character(code[:17])
    if code[17] != expected:
        raise UsccError(UsccProblem.CHECK, expected=expected)
    return code


def with_check_character(first17: str) -> str:
    """Complete a 17-character body with its check character (for generated demo codes)."""
    body = normalize(first17)
    return body + check_character(body)
