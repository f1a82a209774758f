"""The identity tables (imported by accounts.models, so they belong to the accounts app)."""

from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """A password a user had, as Django's hasher stored it (salted, never the password).

    Only the last KFQ_PASSWORD_HISTORY are kept: older ones serve no rule and are better gone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    encoded = models.CharField(_("password hash"), max_length=128)
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        indexes = [models.Index(fields=["user", "-set_at"], name="accounts_pwhistory_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.set_at:%Y-%m-%d}"


class UserSession(AbstractBaseSession):
    """Django's database session, with the user it signs in (SESSION_ENGINE, session_store.py).

    Ending every session of a user (password changed, account disabled) is then one indexed
    DELETE. The alternatives were a scan of every session, decoding each to find its user (a
    province has thousands open: one decode each, on every password change), or a side table
    of keys recorded at login, which goes stale whenever the key changes (Django cycles it on
    login and on a password change) and needs cleaning of its own. This is the extension
    Django documents for it ("Extending database-backed session engines").
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> Any:
        from kaifaqu.accounts.identity.session_store import SessionStore

        return SessionStore
