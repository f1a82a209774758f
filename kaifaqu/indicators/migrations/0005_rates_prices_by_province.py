# Value-added rates and price indexes by province (issue 14, item 7).

import django.db.models.deletion
from django.db import migrations, models


def indexes_to_provinces(apps, schema_editor):
    """Before, one index held for every zone: each existing index becomes that of every province,
    so that no zone's comparable prices change with the migration. Without a province there is
    no zone for an index to deflate: such indexes are dropped."""
    PriceIndex = apps.get_model("indicators", "PriceIndex")
    Region = apps.get_model("geo", "Region")
    provinces = list(Region.objects.filter(level="province").order_by("code"))
    unassigned = PriceIndex.objects.filter(region__isnull=True)
    if not provinces:
        unassigned.delete()
    else:
        first, others = provinces[0], provinces[1:]
        for index in list(unassigned):
            PriceIndex.objects.bulk_create(
                PriceIndex(
                    region=province,
                    period=index.period,
                    division=index.division,
                    value=index.value,
                    source=index.source,
                    note=index.note,
                )
                for province in others
            )
            index.region = first
            index.save(update_fields=["region"])
    if schema_editor.connection.vendor == "postgresql":
        # Rows written in this transaction would otherwise block the ALTER TABLE that follows
        # ("pending trigger events" of the deferred foreign keys).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("indicators", "0004_publish_earlier_months"),
    ]

    operations = [
        # Value-added rates: national (no province) or of a province, with a source.
        migrations.RemoveConstraint(
            model_name="valueaddedrate",
            name="stat_va_rate_once_per_year",
        ),
        migrations.AddField(
            model_name="valueaddedrate",
            name="region",
            field=models.ForeignKey(
                blank=True,
                help_text="Blank for the national reference shipped with the platform; a province's own rate overrides it for that province's zones.",
                limit_choices_to={"level": "province"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.region",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="valueaddedrate",
            name="source",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Where the rate comes from, e.g. 省统计局 2025年规上工业增加值率. Required when entered.",
                max_length=300,
                verbose_name="source",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="valueaddedrate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("region__isnull", True)),
                fields=("division", "year"),
                name="stat_va_rate_national_once_per_year",
                violation_error_message="This division already has a national rate for the year.",
            ),
        ),
        migrations.AddConstraint(
            model_name="valueaddedrate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("region__isnull", False)),
                fields=("region", "division", "year"),
                name="stat_va_rate_province_once_per_year",
                violation_error_message="This division already has a rate of the province for the year.",
            ),
        ),
        # Price indexes: each of a province.
        migrations.RemoveConstraint(
            model_name="priceindex",
            name="stat_price_index_once_per_month",
        ),
        migrations.AddField(
            model_name="priceindex",
            name="region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.region",
            ),
        ),
        migrations.RunPython(indexes_to_provinces, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="priceindex",
            name="region",
            field=models.ForeignKey(
                help_text="The province whose statistics office publishes the index.",
                limit_choices_to={"level": "province"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.region",
                verbose_name="province",
            ),
        ),
        migrations.AddConstraint(
            model_name="priceindex",
            constraint=models.UniqueConstraint(
                fields=("region", "period", "division"),
                name="stat_price_index_once_per_province_month",
                violation_error_message="This index is already entered for the month.",
            ),
        ),
    ]
