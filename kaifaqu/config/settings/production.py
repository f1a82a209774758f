"""Production settings: every secret and host comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from kaifaqu.core.crypto.envelope import CIPHER_NAMES, parse_key

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random string of 50+ characters")

KFQ_AUDIT_KEY = os.environ.get("KFQ_AUDIT_KEY", "")
if len(KFQ_AUDIT_KEY) < 32:
    raise ImproperlyConfigured(
        "KFQ_AUDIT_KEY must be set to a random string of 32+ characters (seals the audit trail)"
    )
# Checked here, not only by the system check (core/crypto/checks.py), for the same reason.
KFQ_DATA_KEY = os.environ.get("KFQ_DATA_KEY", "")
try:
    parse_key(KFQ_DATA_KEY)
except ValueError as error:
    raise ImproperlyConfigured(
        f"KFQ_DATA_KEY must be set to a data key (`kfq datakey new`; {error}): it encrypts "
        "the contacts' telephones and e-mail addresses"
    ) from error
if KFQ_DATA_CIPHER.strip().lower() not in CIPHER_NAMES:  # noqa: F405
    raise ImproperlyConfigured(f"KFQ_DATA_CIPHER must be one of {', '.join(CIPHER_NAMES)}")
# The system check (accounts/checks.py) runs with migrate and check, not when gunicorn starts.
if KFQ_AUDIT_RETENTION_DAYS < 183:  # noqa: F405
    raise ImproperlyConfigured("KFQ_AUDIT_RETENTION_DAYS must be at least 183 (网络安全法 §21)")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
