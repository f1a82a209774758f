"""To whom the second factor applies."""

from django.conf import settings
from django_otp import user_has_device

from kaifaqu.accounts.models import User


def mfa_enabled() -> bool:
    return bool(settings.KFQ_MFA_ENABLED)


def mfa_required(user: User) -> bool:
    """The user's role must sign in with a second factor (KFQ_MFA_REQUIRED_ROLES)."""
    return mfa_enabled() and user.role in settings.KFQ_MFA_REQUIRED_ROLES


def mfa_has_device(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def mfa_applies(user: User) -> bool:
    """A code is asked at sign-in: the role requires it, or the user enrolled a device."""
    return mfa_enabled() and (mfa_required(user) or mfa_has_device(user))
