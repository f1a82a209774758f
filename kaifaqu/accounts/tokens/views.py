"""The tokens page: a signed-in user lists, creates and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.tokens.forms import ApiTokenForm
from kaifaqu.accounts.tokens.selectors import api_token_list
from kaifaqu.accounts.tokens.services import IssuedToken, api_token_issue, api_token_revoke

# The page lists this many of the user's tokens, newest first (ended ones stay listed).
TOKENS_SHOWN = 100


@never_cache  # the answer to a creation holds the secret: no cache may keep it
@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    issued: IssuedToken | None = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_issue(
                user=request.user,
                purpose=form.cleaned_data["purpose"],
                days=form.cleaned_data["days"],
                request=request,
                via="tokens page",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm()
    # The secret is rendered in this answer only, never put in the session or a message.
    context = {
        "form": form,
        "issued": issued,
        "tokens": api_token_list(user=request.user)[:TOKENS_SHOWN],
    }
    return render(request, "accounts/tokens.html", context)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(api_token_list(user=request.user), pk=pk)
    api_token_revoke(token=token, by=request.user, request=request)
    messages.success(request, _("The token %(token)s is revoked.") % {"token": token.display})
    return redirect("accounts:tokens")
