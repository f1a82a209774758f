"""Encryption at rest of confidential fields (contacts' telephones and e-mail addresses).

envelope  the stored format and the ciphers (AES-256-GCM, SM4-GCM); no Django
keys      the key ring from the settings (KFQ_DATA_KEY, KFQ_DATA_OLD_KEYS, KFQ_DATA_CIPHER)
keyfile   the embedded setup's generated key (var/data.key, mode 0600)
fields    EncryptedCharField and EncryptedEmailField
columns   every encrypted column: status, rotation, and the data migrations' helpers
checks    start-up checks of the keys

Kept apart from `kaifaqu.core.fields` so that settings can import `keyfile` without models.
"""
