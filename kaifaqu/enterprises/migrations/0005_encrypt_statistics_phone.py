"""The statistics contact's telephone is encrypted at rest (core/crypto): the column becomes
text (an envelope is longer than the number) and the numbers already stored are encrypted under
KFQ_DATA_KEY. Migrating back decrypts them first, then the column narrows again."""

from django.db import migrations

import kaifaqu.core.crypto.fields
from kaifaqu.core.crypto.columns import decrypt_column, encrypt_column

COLUMN = {
    "table": "enterprises_enterprise",
    "column": "statistics_phone",
    "context": "enterprises.enterprise.statistics_phone",
}


def encrypt(apps, schema_editor):
    encrypt_column(schema_editor, **COLUMN)


def decrypt(apps, schema_editor):
    decrypt_column(schema_editor, **COLUMN)


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0004_statistics_contact'),
    ]

    operations = [
        migrations.AlterField(
            model_name='enterprise',
            name='statistics_phone',
            field=kaifaqu.core.crypto.fields.EncryptedCharField(blank=True, max_length=30, verbose_name='contact phone'),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
