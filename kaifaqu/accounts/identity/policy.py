"""The password policy in force: a named preset (KFQ_PASSWORD_POLICY) and the settings that
override its values one by one. Read each time it is needed, so tests and operators change one
setting and every rule follows."""

from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings


@dataclass(frozen=True)
class PasswordPolicy:
    name: str
    min_length: int
    # How many of the four kinds of character (capitals, small letters, digits, others) a
    # password must mix; 0: no composition rule.
    min_classes: int
    # How many of the user's last passwords (the current one included) may not be used again.
    history: int
    # Days after which a password must be changed at the next sign-in; 0: never.
    max_age_days: int

    @property
    def max_age(self) -> timedelta | None:
        return timedelta(days=self.max_age_days) if self.max_age_days else None


POLICIES = {
    # 等保 2.0 (GB/T 22239-2019 8.1.4.1 a): "身份鉴别信息具有复杂度要求并定期更换". The standard
    # gives no figures; assessors customarily ask for 8+ characters of 3 of the 4 kinds and a
    # change every 90 days. 10 rather than 8 characters: an 8-character password of that kind
    # falls to an offline search of a stolen hash in days; the last 5 may not come back, or
    # the rotation would be a formality.
    "dengbao": PasswordPolicy(
        name="dengbao", min_length=10, min_classes=3, history=5, max_age_days=90
    ),
    # OWASP ASVS 5.0 V6.2 (NIST SP 800-63B): length and a check against breached passwords, no
    # composition rules, no periodic change (they push people to predictable variants).
    "asvs": PasswordPolicy(name="asvs", min_length=12, min_classes=0, history=0, max_age_days=0),
}


def password_policy() -> PasswordPolicy:
    policy = POLICIES[settings.KFQ_PASSWORD_POLICY]
    overrides = {
        field: value
        for field, value in (
            ("min_length", getattr(settings, "KFQ_PASSWORD_MIN_LENGTH", None)),
            ("min_classes", getattr(settings, "KFQ_PASSWORD_MIN_CLASSES", None)),
            ("history", getattr(settings, "KFQ_PASSWORD_HISTORY", None)),
            ("max_age_days", getattr(settings, "KFQ_PASSWORD_MAX_AGE_DAYS", None)),
        )
        if value is not None
    }
    return replace(policy, **overrides)
