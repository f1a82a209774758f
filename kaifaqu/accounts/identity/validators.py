"""Password validators (AUTH_PASSWORD_VALIDATORS) that follow the policy in force (policy.py).

Django's validator API rather than django-password-validators (last release 1.7, December 2023):
its history keeps tables and salts of its own and deletes rows while it validates, and its
composition rule counts each kind of character separately where 等保 practice asks for "3 of the
4 kinds"; what the policy needs is the few lines below and in history.py, on Django's own
hashers. Django's CommonPasswordValidator (about 20,000 breached passwords),
UserAttributeSimilarityValidator and NumericPasswordValidator are used as they are.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaifaqu.accounts.identity.history import history_contains
from kaifaqu.accounts.identity.policy import password_policy


class MinimumLengthValidator:
    """The length of the policy in force. Not Django's: its message changed in Django 5.2 and
    the Chinese catalogue Django ships still translates only the old one."""

    def validate(self, password: str, user: Any = None) -> None:
        wanted = password_policy().min_length
        if len(password) < wanted:
            raise ValidationError(
                ngettext(
                    "This password is too short: it must have at least %(min)d character.",
                    "This password is too short: it must have at least %(min)d characters.",
                    wanted,
                ),
                code="password_too_short",
                params={"min": wanted},
            )

    def get_help_text(self) -> str:
        wanted = password_policy().min_length
        return ngettext(
            "Your password must have at least %(min)d character.",
            "Your password must have at least %(min)d characters.",
            wanted,
        ) % {"min": wanted}


def character_classes(password: str) -> int:
    """How many of the four kinds a password mixes: capitals, small letters, digits, and any
    other character (punctuation, a space, a Chinese character)."""
    kinds = set()
    for char in password:
        if char.isupper():
            kinds.add("upper")
        elif char.islower():
            kinds.add("lower")
        elif char.isdigit():
            kinds.add("digit")
        else:
            kinds.add("other")
    return len(kinds)


class CharacterClassesValidator:
    def validate(self, password: str, user: Any = None) -> None:
        wanted = password_policy().min_classes
        if wanted and character_classes(password) < wanted:
            raise ValidationError(
                _(
                    "This password must mix at least %(min)d of the four kinds of character: "
                    "capital letters, small letters, digits, and others (punctuation and the "
                    "like)."
                ),
                code="password_too_simple",
                params={"min": wanted},
            )

    def get_help_text(self) -> str:
        wanted = password_policy().min_classes
        if not wanted:
            return ""
        return _(
            "Your password must mix at least %(min)d of the four kinds of character: capital "
            "letters, small letters, digits, and others (punctuation and the like)."
        ) % {"min": wanted}


class PasswordHistoryValidator:
    """Refuses the user's current password and the ones before it, up to the policy's count."""

    def validate(self, password: str, user: Any = None) -> None:
        count = password_policy().history
        if not count or user is None or not getattr(user, "pk", None):
            return
        if history_contains(user, password, count=count):
            raise ValidationError(
                ngettext(
                    "This is your current password; choose another.",
                    "This password is one of your last %(count)d; choose another.",
                    count,
                ),
                code="password_reused",
                params={"count": count},
            )

    def get_help_text(self) -> str:
        count = password_policy().history
        if not count:
            return ""
        return ngettext(
            "Your password can’t be your current one.",
            "Your password can’t be one of your last %(count)d passwords.",
            count,
        ) % {"count": count}
