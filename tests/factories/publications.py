import datetime

from django.utils.text import slugify

import factory
import wagtail_factories

from core.models import HomePage
from publications.models import Byline, CommentaryPage, PublicationIndexPage

from .experts import set_tags


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage
        skip_postgeneration_save = True

    title = "Agora"


class PublicationIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PublicationIndexPage
        skip_postgeneration_save = True

    title = "Publications"
    slug = "publications"


class CommentaryPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CommentaryPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Commentary number {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))
    date = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    lead = "A short lead."
    body = [("paragraph", "<p>Body text.</p>")]
    source = ""

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        for index, expert in enumerate(extracted or []):
            Byline.objects.create(
                commentary=obj, expert=expert, position=expert.position, sort_order=index
            )

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        set_tags(obj, "regions", extracted)

    @factory.post_generation
    def competences(obj, create, extracted, **kwargs):
        set_tags(obj, "competences", extracted)


def commentary_maker(index):
    """A shorthand for test data: commentary(title, date, authors, regions, competences)."""

    def commentary(title, date, authors, regions=(), competences=(), **kwargs):
        return CommentaryPageFactory(
            parent=index,
            title=title,
            date=date,
            authors=authors,
            regions=regions,
            competences=competences,
            **kwargs,
        )

    return commentary
