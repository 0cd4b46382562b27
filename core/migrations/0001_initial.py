"""The home page, moved here from publications (publications 0008 renamed its table).

Only the state is created: the table is already there. The page's content type moves with it,
so that its pages, revisions, log entries and permissions keep pointing at it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import wagtail.fields

MODEL = "homepage"


def move_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    old = types.filter(app_label=source, model=MODEL).first()
    if old is not None:
        new = types.filter(app_label=target, model=MODEL).first()
        if new is None:
            old.app_label = target  # the usual case: the row is renamed, every reference kept
            old.save(update_fields=["app_label"])
        else:
            # The new one was made before the move (a process of the new code asked for it
            # before this ran): everything naming the old one is moved over, then it goes.
            repoint(apps, schema_editor.connection.alias, old, new)
            old.delete()
    ContentType.objects.clear_cache()
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    CurrentContentType.objects.clear_cache()


def repoint(apps, db, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in apps.get_models():
        if model is Permission or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is ContentType:
                model._base_manager.using(db).filter(**{field.name: old}).update(
                    **{field.name: new}
                )
    # A revision's content names the content type too.
    Revision = apps.get_model("wagtailcore", "Revision")
    for revision in Revision.objects.using(db).filter(content_type=new):
        if revision.content.get("content_type") == old.pk:
            revision.content["content_type"] = new.pk
            revision.save(update_fields=["content"])
    # A model permission the new type has already is dropped with the old type: Wagtail
    # grants page permissions on Page, not on each page type, so none is in use.
    taken = Permission.objects.using(db).filter(content_type=new).values("codename")
    Permission.objects.using(db).filter(content_type=old).exclude(codename__in=taken).update(
        content_type=new
    )


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "publications", "core")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "core", "publications")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("publications", "0008_move_home_page_to_core"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HomePage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        ("intro", wagtail.fields.RichTextField(blank=True)),
                        (
                            "featured_commentary",
                            models.ForeignKey(
                                blank=True,
                                help_text=(
                                    "Shown first on the home page; the latest commentary if empty."
                                ),
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="publications.commentarypage",
                            ),
                        ),
                    ],
                    options={"verbose_name": "home page"},
                    bases=("wagtailcore.page",),
                )
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
