"""Model fields whose values are encrypted in the database and plain in Python.

    statistics_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)

The value is encrypted when it is written (`get_db_prep_value`: saves, `update()`,
`bulk_update`) and decrypted when it is read (`from_db_value`: instances, `values()`,
`values_list()`). `max_length` limits the plaintext (forms, `full_clean`); the column is `text`,
since the envelope is longer. An empty value is stored empty: it tells only that there is none,
and keeps `blank=True` meaning what it means elsewhere.

The database cannot compare what it cannot read: only `field=""` (no value), `field__isnull`
and nothing else may be used in filters; other lookups are errors, never a silent "no match".
Search, ordering and uniqueness on such a field are not possible; pick fields accordingly.

Each value is bound to its column (the associated data names `app_label.model.field`): renaming
the model or the field needs `context=` with the old name, or a data migration that re-encrypts.
"""

from typing import Any

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from .envelope import DecryptionError, is_envelope, seal, unseal
from .keys import key_ring


class EmptyOnlyExact(Exact[str]):
    """`field=""`: the only equality an encrypted column can answer."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: the "
                'database cannot compare its values (only ="" and __isnull are possible)'
            )
        return super().get_prep_lookup()


def encrypt(value: str, *, context: str) -> str:
    """The envelope stored for `value` in the column named by `context` (current key and cipher)."""
    if value == "":
        return value
    ring = key_ring()
    return seal(value, key=ring.current, cipher=ring.cipher, context=context)


def decrypt(value: str, *, context: str) -> str:
    if value == "":
        return value
    if not is_envelope(value):
        raise DecryptionError(
            f"{context} holds a value that is not encrypted: it was written around the "
            "platform (or a data migration has not run)"
        )
    return unseal(value, keys=key_ring().keys, context=context)


class EncryptedMixin:
    """What makes a text field encrypted; combined with CharField and EmailField below."""

    name: str
    column: str
    model: type[models.Model]

    def __init__(self, *args: Any, context: str = "", **kwargs: Any) -> None:
        self.explicit_context = context
        super().__init__(*args, **kwargs)

    @property
    def context(self) -> str:
        if self.explicit_context:
            return self.explicit_context
        meta = self.model._meta
        return f"{meta.app_label}.{meta.model_name}.{self.name}"

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        if self.explicit_context:
            kwargs["context"] = self.explicit_context
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        # A `text` column: the envelope of 30 characters is about 90.
        return "TextField"

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = super().check(**kwargs)  # type: ignore[misc]
        if getattr(self, "unique", False) or getattr(self, "db_index", False):
            errors.append(
                checks.Error(
                    "an encrypted field can be neither unique nor indexed: each value is "
                    "encrypted with its own nonce, so equal values differ in the database",
                    obj=self,
                    id="kaifaqu.E203",
                )
            )
        return errors

    def _refuse_expression(self, value: Any) -> None:
        """The database cannot encrypt: `update(field=Concat(…))` would store plain text. Only
        an expression of this field's own values passes (bulk_update's CASE of Values, each
        encrypted by this field)."""
        try:
            output = value.output_field
        except (FieldError, AttributeError):
            output = None
        if not isinstance(output, EncryptedMixin):
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted: it cannot be set by a database "
                "expression; give it a Python value"
            )

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)  # type: ignore[misc]
        if hasattr(value, "resolve_expression"):
            self._refuse_expression(value)
        return value

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if hasattr(value, "as_sql"):
            self._refuse_expression(value)
            return value
        return super().get_db_prep_save(value, connection)  # type: ignore[misc]

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)  # type: ignore[misc]
        if value is None:
            return None
        return encrypt(str(value), context=self.context)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return decrypt(value, context=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[type-arg]
    description = "Text encrypted at rest (AES-256-GCM or SM4-GCM)"


class EncryptedEmailField(EncryptedMixin, models.EmailField):  # type: ignore[type-arg]
    description = "E-mail address encrypted at rest (AES-256-GCM or SM4-GCM)"


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedMixin]]:
    """Every encrypted field of the installed models (for status, rotation and checks)."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedMixin)
    ]


# For auditlog.register(..., mask_fields=[the encrypted fields], mask_callable=AUDIT_MASK).
AUDIT_MASK = "kaifaqu.core.crypto.fields.audit_mask"


def audit_mask(value: str) -> str:
    """What the change history keeps of an encrypted field: a value masked as 个人信息 are
    shown (138****1234; w***@example.com), enough to see what changed, not to call anyone.

    The change history is append-only and sealed, so it must never hold the plaintext."""
    if not value or value == "None":
        return value
    if "@" in value:
        local, _, domain = value.rpartition("@")
        return (local[:1] + "***@" + domain) if local else "***@" + domain
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) >= 7:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)
