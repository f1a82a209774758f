"""The request of a page that requires signing in (LoginRequiredMixin, login_required), and
the user of an API call."""

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from kaifaqu.accounts.models import User
from kaifaqu.core.views.registry import RegistryRequest


class AuthenticatedHttpRequest(RegistryRequest):
    """An HttpRequest whose user is signed in: `request.user` is a `User`, never AnonymousUser.

    Only for views behind LoginRequiredMixin or login_required, which turn signed-out visitors
    away before the view runs; it exists for the type checker, as healthchecks does it. Like every
    request through django-htmx's middleware it has `htmx` (RegistryRequest), so the registry
    pages' subclasses may use it too.
    """

    user: User


def api_user(request: Request) -> User:
    """The user of an API call, who is signed in: every API view's permission class
    (core.api_policy.ScopedModelPermission, or IsAuthenticated) turns anyone else away before
    the view's handler runs. Not for get_queryset, which the schema generator calls signed out.

    DRF's views keep rest_framework's Request, whose `user` may be AnonymousUser to the type
    checker; this says which it is (and refuses, should a view ever be opened to everyone).
    """
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user
