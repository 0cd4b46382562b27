"""Bylines are read in (sort_order, id) order, and every commentary's are numbered 0..n-1.

The admin's author form could leave two bylines of a commentary with one number (after an
author was removed and another added), and the surfaces then disagreed on who came first.
Renumbered here in the order every surface now reads them: by number, then by id."""

from django.db import migrations
from django.db.models import Count, F, Max, Min, Q


def number_bylines_densely(apps, schema_editor):
    Byline = apps.get_model("publications", "Byline")
    # Dense already: n rows numbered 0..n-1 with no number twice (min 0, max n-1, n distinct).
    per_commentary = Byline.objects.values("commentary_id").annotate(
        rows=Count("pk"),
        numbers=Count("sort_order", distinct=True),
        low=Min("sort_order"),
        high=Max("sort_order"),
    )
    broken = per_commentary.filter(
        ~Q(numbers=F("rows")) | ~Q(low=0) | ~Q(high=F("rows") - 1)
    ).values_list("commentary_id", flat=True)
    for commentary_id in list(broken):
        bylines = Byline.objects.filter(commentary_id=commentary_id).order_by(
            F("sort_order").asc(nulls_last=True), "pk"
        )
        for index, byline in enumerate(bylines):
            if byline.sort_order != index:
                byline.sort_order = index
                byline.save(update_fields=["sort_order"])


class Migration(migrations.Migration):
    dependencies = [("publications", "0006_number_unordered_bylines")]

    operations = [
        migrations.AlterModelOptions(
            name="byline",
            options={"ordering": ["sort_order", "pk"], "verbose_name": "byline"},
        ),
        migrations.RunPython(number_bylines_densely, migrations.RunPython.noop),
    ]
