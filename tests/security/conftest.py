"""Fixtures shared by the security tests."""

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

import pytest

from publications.models import Byline

from ..factories.experts import ExpertPageFactory
from ..factories.publications import CommentaryPageFactory
from ..factories.taxonomy import CompetenceFactory, RegionFactory


@pytest.fixture
def poisoned(site_tree):
    """Every editor-controlled field carries a payload (one payload per site, per test)."""

    def build(payload):
        region = RegionFactory(name=f"Region {payload}")
        competence = CompetenceFactory(name=f"Competence {payload}")
        expert = ExpertPageFactory(
            parent=site_tree["experts"],
            title=f"Expert {payload}",
            slug="poisoned-expert",
            position=f"Position {payload}",
            location=f"City, {payload}",
            field_of_expertise=f"<p>{payload}</p>",
            work_experience=f"<p>{payload}</p>",
            competences=[competence],
            regions=[region],
        )
        image = Image.objects.create(title=f"Image {payload}", file=get_test_image_file())
        page = CommentaryPageFactory(
            parent=site_tree["publications"],
            title=f"Title {payload}",
            slug="poisoned-commentary",
            lead=f"Lead {payload}",
            source=f"Source {payload}",
            body=[
                ("paragraph", f"<p>{payload}</p>"),
                ("heading", f"Heading {payload}"),
                ("quote", {"text": payload, "attribution": payload}),
                ("image", {"image": image, "alt_text": payload, "caption": payload}),
            ],
            regions=[region],
            competences=[competence],
        )
        Byline.objects.create(commentary=page, expert=expert, position=f"Byline {payload}")
        page.save_revision().publish()
        return {"page": page, "expert": expert, "region": region, "competence": competence}

    return build
