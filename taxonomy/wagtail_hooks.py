from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Competence, Region


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    menu_label = "Regions"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    search_backend_name = None  # a plain ORM lookup; vocabularies are small


class CompetenceViewSet(SnippetViewSet):
    model = Competence
    icon = "tag"
    menu_label = "Competences"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    search_backend_name = None  # a plain ORM lookup; vocabularies are small


class VocabularyGroup(SnippetViewSetGroup):
    menu_label = "Vocabularies"
    menu_icon = "tag"
    menu_order = 250
    items = (RegionViewSet, CompetenceViewSet)


register_snippet(VocabularyGroup)
