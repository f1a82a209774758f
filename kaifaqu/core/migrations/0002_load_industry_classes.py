from django.db import migrations


def load(apps, schema_editor):
    from kaifaqu.core.industries import load_industry_classes

    load_industry_classes(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
