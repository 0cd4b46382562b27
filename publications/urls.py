"""Hubs for the two vocabularies: plain Django views, mounted before Wagtail's catch-all."""

from django.urls import path, register_converter

from . import views


class TagSlugConverter:
    """Vocabulary slugs may be Unicode (taggit allows it); anything else is not a hub."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlugConverter, "tagslug")

app_name = "hubs"
urlpatterns = [
    path("regions/", views.tag_index, {"vocabulary": "region"}, name="regions"),
    path("regions/<tagslug:slug>/", views.tag_hub, {"vocabulary": "region"}, name="region"),
    path("competences/", views.tag_index, {"vocabulary": "competence"}, name="competences"),
    path(
        "competences/<tagslug:slug>/",
        views.tag_hub,
        {"vocabulary": "competence"},
        name="competence",
    ),
]
