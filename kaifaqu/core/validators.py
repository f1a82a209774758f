"""Django validators around the pure code checks in core.lib, with messages in the user's language."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaifaqu.core.lib import uscc
from kaifaqu.core.lib.uscc import UsccError, UsccProblem


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except UsccError as error:
        raise ValidationError(uscc_message(error), code=f"uscc_{error.problem.value}") from None


def uscc_message(error: UsccError) -> str:
    if error.problem is UsccProblem.EMPTY:
        return _("Enter the unified social credit code.")
    if error.problem is UsccProblem.LENGTH:
        return _("A unified social credit code has exactly 18 characters.")
    if error.problem is UsccProblem.CHARACTER:
        return _(
            "Character %(position)s of the unified social credit code is not allowed: only digits "
            "and capital letters other than I, O, Z, S and V may be used."
        ) % {"position": error.position}
    if error.problem is UsccProblem.REGION:
        return _("Characters 3 to 8 of the unified social credit code must be a region code.")
    return _(
        "The check character of this unified social credit code is wrong: it should be %(expected)s."
    ) % {"expected": error.expected}


def validate_region_code(value: str) -> None:
    if not (len(value) == 6 and value.isdigit()) or value == "000000":
        raise ValidationError(
            _("A region code (GB/T 2260) has six digits, for example 140600."), code="region_code"
        )
