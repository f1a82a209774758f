# TEMPORARY until branch `identity` merges (replaced by its module of the same name).
from typing import Any

from django.contrib.sessions.models import Session


def sessions_end(user: Any) -> None:
    for session in Session.objects.all():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
