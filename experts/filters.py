"""Query-string filters for the expert directory: competence, region, first letter of the
surname. Like the publications listing, but over experts; this app never imports publications."""

from core.facets import FacetedFilters, LetterFacet, TagFacet
from taxonomy.models import Competence, Region

from .models import ExpertCompetence, ExpertRegion


class ExpertDirectoryFilters(FacetedFilters):
    declared_facets = (
        TagFacet("competence", "Competence", Competence, ExpertCompetence),
        TagFacet("region", "Region", Region, ExpertRegion),
        LetterFacet("letter", "Surname", text_field="surname"),
    )
