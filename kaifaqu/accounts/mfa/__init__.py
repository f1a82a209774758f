"""The second factor (TOTP, with recovery codes), on django-otp (issue 15).

Signing in is two steps when the second factor applies to the user (`KFQ_MFA_ENABLED`, and the
user's role is in `KFQ_MFA_REQUIRED_ROLES` or the user has enrolled a device):
1. the password (accounts' sign-in page, django-axes counting failures): the session then
   holds only a *pending* sign-in (flow.py) — the user is not signed in;
2. a code from the authenticator app or a recovery code (views.verify) — or, for a user of a
   required role who has no device yet, enrolment (views.enrol) — and only then Django's
   `login()`, which writes the access log's login entry and marks the session verified.
Until then nothing of the platform opens: no page, no API call, since there is no session.
A wrong code is a failed sign-in: it is counted by django-axes toward the lockout (the same
limit as passwords) and written to the access log.

A session that is signed in but not verified while the second factor applies to its user —
one from before the switch was turned on, or whose device an administrator reset — is ended
by the middleware (middleware.py), so the user signs in again through both steps.

API tokens are not subject to the second factor (tokens/authentication.py says why).

The devices are the platform's own django-otp devices (models.py): the authenticator's TOTP
secret is encrypted under KFQ_DATA_KEY, recovery codes are kept only as SHA-256 digests.
"""
