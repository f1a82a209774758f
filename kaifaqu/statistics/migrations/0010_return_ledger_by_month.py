import kaifaqu.core.fields
from django.db import migrations, models


def build_ledger(apps, schema_editor):
    """Fill the ledger from the returns already stored (none on a new database)."""
    if schema_editor.connection.vendor == "postgresql":
        # The 64 KB rows stored as they are: PostgreSQL would otherwise try to compress each one
        # on every write and decompress it on every read.
        schema_editor.execute(
            "ALTER TABLE statistics_returnledger ALTER COLUMN figures SET STORAGE EXTERNAL"
        )
    if not apps.get_model("statistics", "Return").objects.exists():
        return
    from kaifaqu.returns.services.ledger import ledger_rebuild

    ledger_rebuild()


class Migration(migrations.Migration):
    """The ledger by month and block of enterprises instead of by enterprise and year: an import
    of a month rewrites that month's rows only."""

    dependencies = [
        ("statistics", "0009_native_first_of_month_checks"),
    ]

    operations = [
        migrations.DeleteModel(name="ReturnLedger"),
        migrations.CreateModel(
            name="ReturnLedger",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.DateField(verbose_name="month")),
                ("block", models.PositiveIntegerField(verbose_name="block of enterprises")),
                ("figures", models.BinaryField(verbose_name="figures of the enterprises")),
            ],
            options={
                "verbose_name": "return ledger",
                "verbose_name_plural": "return ledgers",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("period", "block"), name="stat_ledger_one_per_block"
                    ),
                    models.CheckConstraint(
                        condition=kaifaqu.core.fields.IsFirstOfMonth("period"),
                        name="stat_ledger_period_first_of_month",
                        violation_error_message="A month is stored as its first day.",
                    ),
                ],
            },
        ),
        migrations.RunPython(build_ledger, migrations.RunPython.noop),
    ]
