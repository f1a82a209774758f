"""API tokens: hashed at rest, expiring, revocable, one per purpose (issue 15).

A token is `kfq_<prefix>_<secret>`: 32 random bytes of secret, and an 8-character prefix that is
not secret and names the token on pages and in the access log. Only the SHA-256 digest of the
whole string is stored; a plain, fast hash is enough because the secret has 256 bits of entropy
(a slow password hash defends low-entropy secrets, and would cost every API call).

Why not django-rest-knox (the maintained package of hashed tokens): its tokens are login
sessions of a client — no purpose, expired tokens deleted on the next use (with their record),
revocation by deleting the row, no time of last use — and its authentication class deletes
rows while it authenticates. Naming, rotating and revoking long-lived tokens per purpose, keeping
them listed after they end, and refusing a locked account's token would be a custom model and
a custom authentication class on top of it: what is left of knox is the digest, a dozen lines.
"""
