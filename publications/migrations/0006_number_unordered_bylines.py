"""Bylines imported before the importer numbered them have no sort order, so their commentary
could name its authors in any order. Numbered here in the order they were created, which is the
export's order."""

from django.db import migrations
from django.db.models import F


def number_bylines(apps, schema_editor):
    Byline = apps.get_model("publications", "Byline")
    unordered = Byline.objects.filter(sort_order__isnull=True).values("commentary_id")
    for commentary_id in unordered.distinct().values_list("commentary_id", flat=True):
        bylines = Byline.objects.filter(commentary_id=commentary_id).order_by(
            F("sort_order").asc(nulls_last=True), "pk"
        )
        for index, byline in enumerate(bylines):
            if byline.sort_order != index:
                byline.sort_order = index
                byline.save(update_fields=["sort_order"])


class Migration(migrations.Migration):
    dependencies = [("publications", "0005_search_indexes")]

    operations = [migrations.RunPython(number_bylines, migrations.RunPython.noop)]
