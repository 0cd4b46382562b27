"""The home page moves to core (core.models.HomePage): its table is renamed here and the model
leaves this app's state; core's 0001 takes it into core's state and moves its content type.
No row is copied: the pages, their fields and revisions stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("publications", "0007_byline_order_tie_breaker")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel("HomePage")],
            database_operations=[migrations.AlterModelTable("homepage", "core_homepage")],
        )
    ]
