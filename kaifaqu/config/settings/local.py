"""Settings for `make run`: the embedded SQLite database and a development server."""

import os

from kaifaqu.core.crypto.keyfile import local_key_file

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

# Off unless asked for (DJANGO_DEBUG=1): a debug 404 prints the URL map to anyone.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "kaifaqu-local-development-only-not-secret")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
KFQ_DEMO_ALLOWED = True
KFQ_AUDIT_KEY = os.environ.get("KFQ_AUDIT_KEY", "kaifaqu-local-development-only-audit-key")
# The demo personas sign in with a password only (KFQ_MFA_ENABLED=1 tries the second factor).
KFQ_MFA_ENABLED = env_bool("KFQ_MFA_ENABLED", False)
# Generated on first use into var/data.key (mode 0600): the embedded setup needs no configuration.
KFQ_DATA_KEY = os.environ.get("KFQ_DATA_KEY") or local_key_file(VAR_DIR / "data.key")
# The demo's personas are shared and kept across runs of `make run`: a checkout left for three
# months would otherwise find them disabled as dormant (KFQ_DORMANT_DAYS=90 tries the rule).
KFQ_DORMANT_DAYS = int(os.environ.get("KFQ_DORMANT_DAYS", "0"))
