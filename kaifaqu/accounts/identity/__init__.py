"""Identity (等保 2.0 身份鉴别): the password policy, changing one's password, lockout, and the
limits of a session. The functions other modules call:

- `services.password_set(user, raw, by=…)`, `services.password_change_require(user, by=…)`,
  `services.user_active_set(user, active, by=…)`;
- `sessions.sessions_end(user)`;
- `lockout.account_is_locked(username)`.
"""
