"""Settings for the test suite: same database selection as production, fast hashing."""

from .base import *  # noqa: F403

SECRET_KEY = "kaifaqu-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
AXES_ENABLED = True
LANGUAGE_CODE = "zh-hans"
# Serve static files from the app directories: the suite does not run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run where they are enqueued, so a test sees a roll-up's result at once; tests of the
# background path switch to the database backend themselves (indicators/tests/test_tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Queued at once with the database backend too, where a test runs the worker right after a write;
# test_tasks.py tries the delay itself.
KFQ_ROLLUP_DELAY_SECONDS = 0
KFQ_AUDIT_SEAL_DELAY_SECONDS = 0
# Background jobs do not wait between their pieces (core/tests/test_pacing.py tries the waits).
KFQ_BACKGROUND_SHARE = 1.0
KFQ_DEMO_ALLOWED = True
# A fixed key, so seals computed in one test can be checked in another.
KFQ_AUDIT_KEY = "kaifaqu-tests-only-audit-key"
# Off, so tests sign their personas in with force_login; the second factor's tests turn it on.
KFQ_MFA_ENABLED = False
# A fixed data key (32 bytes, "kaifaqu-tests-only-data-key-0001"): a restore in another process
# reads what the test wrote.
KFQ_DATA_KEY = "a2FpZmFxdS10ZXN0cy1vbmx5LWRhdGEta2V5LTAwMDE="
