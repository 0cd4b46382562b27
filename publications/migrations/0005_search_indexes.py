"""Indexes that let PostgreSQL answer site searches from an index.

Wagtail's PostgreSQL search matches `(title || body) @@ query`, which its own GIN indexes on
title and body separately cannot serve, and joins pages on `id::varchar = object_id`, which
the primary key cannot serve. Without these, every search reads the whole index table and the
whole page table (seconds at 100,000 commentaries). Other databases are left alone.
"""

from django.db import migrations

INDEXES = [
    (
        "agora_indexentry_title_body_gin",
        "wagtailsearch_indexentry USING gin ((title || body))",
    ),
    ("agora_page_id_as_text", "wagtailcore_page ((((id)::varchar(50))::text))"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _ in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0004_sanitised_rich_text_blocks"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create, drop)]
