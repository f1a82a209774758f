"""A lead's contact telephone and e-mail are encrypted at rest (core/crypto): the columns become
text and the values already stored are encrypted under KFQ_DATA_KEY. Migrating back decrypts
them first, then the columns narrow again. The contact's name stays plain."""

from django.db import migrations

import kaifaqu.core.crypto.fields
from kaifaqu.core.crypto.columns import decrypt_column, encrypt_column

COLUMNS = [
    {"table": "projects_lead", "column": name, "context": f"projects.lead.{name}"}
    for name in ("contact_phone", "contact_email")
]


def encrypt(apps, schema_editor):
    for column in COLUMNS:
        encrypt_column(schema_editor, **column)


def decrypt(apps, schema_editor):
    for column in COLUMNS:
        decrypt_column(schema_editor, **column)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0014_board_industry_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='lead',
            name='contact_email',
            field=kaifaqu.core.crypto.fields.EncryptedEmailField(blank=True, max_length=254, verbose_name='contact e-mail'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='contact_phone',
            field=kaifaqu.core.crypto.fields.EncryptedCharField(blank=True, max_length=40, verbose_name='contact telephone'),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
