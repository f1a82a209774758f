"""No session without its second factor (see mfa/__init__.py)."""

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from kaifaqu.accounts.mfa.flow import NOT_NEEDED_KEY
from kaifaqu.accounts.mfa.rules import mfa_enabled, mfa_has_device, mfa_required


class SecondFactorMiddleware:
    """Ends a signed-in session that lacks the second factor its user needs: one opened before
    the switch was turned on, or by another way in than the sign-in page, or whose device was
    reset. After django-otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if mfa_enabled() and self._lacks_second_factor(request):
            logout(request)
        return self.get_response(request)

    @staticmethod
    def _lacks_second_factor(request: HttpRequest) -> bool:
        user = request.user
        # django-otp's middleware gives the user is_verified() (the session passed a device).
        if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr,attr-defined]
            return False
        if mfa_required(user):  # type: ignore[arg-type]
            return True
        if request.session.get(NOT_NEEDED_KEY):
            return False
        if mfa_has_device(user):  # type: ignore[arg-type]
            return True
        request.session[NOT_NEEDED_KEY] = True
        return False
