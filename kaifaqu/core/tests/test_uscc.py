"""统一社会信用代码 (GB 32100-2015): structure and check character."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kaifaqu.core.lib import uscc
from kaifaqu.core.lib.uscc import UsccError, UsccProblem
from kaifaqu.core.validators import validate_uscc

# A published code (also python-stdnum's example).
PUBLISHED = "91110000600037341L"


def weighted_check(first17: str) -> str:
    """The standard's formula written out independently: C18 = 31 - (Σ Ci·Wi mod 31)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [
        3**i % 31 for i in range(17)
    ]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
    total = sum(
        alphabet.index(char) * weight for char, weight in zip(first17, weights, strict=True)
    )
    return alphabet[(31 - total % 31) % 31]


def test_it_accepts_a_published_code() -> None:
    assert uscc.validate(PUBLISHED) == PUBLISHED
    assert weighted_check(PUBLISHED[:17]) == "L"


def test_the_weights_are_the_standards() -> None:
    assert [3**i % 31 for i in range(17)] == [
        1,
        3,
        9,
        27,
        19,
        26,
        16,
        17,
        20,
        29,
        25,
        13,
        8,
        24,
        10,
        30,
        28,
    ]


@pytest.mark.parametrize(
    "body", ["91140600MA0K12345", "N2140600MA0K1234X", "A1140602000000001", "Y1140600ABCDEFGHJ"]
)
def test_it_accepts_letters_where_the_standard_allows_them(body: str) -> None:
    code = body + weighted_check(body)
    assert uscc.validate(code) == code


def test_it_normalizes_case_spaces_and_full_width_characters() -> None:
    assert uscc.validate(" 9111 0000-6000 3734 1l ") == PUBLISHED
    assert uscc.validate("９１１１００００６０００３７３４１Ｌ") == PUBLISHED


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", UsccProblem.EMPTY),
        ("91110000600037341", UsccProblem.LENGTH),
        ("911100006000373411L", UsccProblem.LENGTH),
        ("9111000060003734IL", UsccProblem.CHARACTER),  # I is not in the alphabet
        ("91AB0000600037341L", UsccProblem.REGION),
        ("91110000600037341K", UsccProblem.CHECK),
    ],
)
def test_it_rejects_malformed_codes(value: str, problem: UsccProblem) -> None:
    with pytest.raises(UsccError) as raised:
        uscc.validate(value)
    assert raised.value.problem is problem


def test_it_says_which_check_character_is_expected() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_uscc("91110000600037341K")
    assert "should be L" in raised.value.messages[0]


def test_it_points_at_the_forbidden_character() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_uscc("9111000060003734OL")
    assert "Character 17" in raised.value.messages[0]
