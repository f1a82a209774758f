from django.db import migrations, models


def rebuild_ledger(apps, schema_editor):
    """Rebuild the ledger in its new layout (employees added to every slot); none to rebuild on
    a new database."""
    if not apps.get_model("returns", "Return").objects.exists():
        return
    from kaifaqu.returns.services.ledger import ledger_rebuild

    apps.get_model("returns", "ReturnLedger").objects.all()._raw_delete(
        schema_editor.connection.alias
    )
    ledger_rebuild()


class Migration(migrations.Migration):
    """The ledger holds every figure of the monthly form (employees too), so that roll-ups read it
    instead of the returns; the index of what they correct it by."""

    dependencies = [
        ("enterprises", "0005_encrypt_statistics_phone"),
        ("returns", "0007_return_awaiting_review_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="return",
            index=models.Index(
                condition=models.Q(("status", "accepted"), _negated=True)
                | models.Q(("is_estimate", True)),
                fields=["period", "enterprise"],
                name="stat_return_rollup_exception",
            ),
        ),
        migrations.RunPython(rebuild_ledger, migrations.RunPython.noop),
    ]
