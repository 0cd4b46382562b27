from django.utils.text import slugify

import factory
from factory.django import DjangoModelFactory

from taxonomy.models import Competence, Region


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.LazyAttribute(lambda tag: slugify(tag.name))


class CompetenceFactory(DjangoModelFactory):
    class Meta:
        model = Competence
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Competence {n}")
    slug = factory.LazyAttribute(lambda tag: slugify(tag.name))
