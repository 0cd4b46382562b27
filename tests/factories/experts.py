from django.utils.text import slugify

import factory
import wagtail_factories

from experts.models import ExpertIndexPage, ExpertPage


def set_tags(page, name, tags):
    if tags:
        getattr(page, name).set(list(tags))
        page.save()


class ExpertIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ExpertIndexPage
        skip_postgeneration_save = True

    title = "Experts"
    slug = "experts"


class ExpertPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ExpertPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Expert Number{n:04d}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))
    position = "Senior Fellow"
    location = "Berlin, Germany"
    field_of_expertise = "<p>European security.</p>"
    work_experience = "<p>Twenty years in diplomacy.</p>"

    @factory.post_generation
    def competences(obj, create, extracted, **kwargs):
        set_tags(obj, "competences", extracted)

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        set_tags(obj, "regions", extracted)
