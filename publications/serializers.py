"""API serializer fields that keep the read-only API to what the public site shows."""

from rest_framework.fields import Field


class BylineExpertField(Field):
    """A byline's expert: the name always (it is printed on the published commentary), the id
    and URLs only while readers may see the profile (`Byline.profile_visible`, the one rule:
    live and outside every private section), so a hidden profile leaks nothing more.

    Bound to the whole byline (`source="*"`): whether the profile shows is the byline's
    question."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, byline):
        # Imported here: models import this module before the app registry is ready.
        from wagtail.api.v2.utils import get_object_detail_url

        expert = byline.expert
        if not byline.profile_visible:
            return {"title": expert.title}
        return {
            "id": expert.pk,
            "meta": {
                "type": f"{expert._meta.app_label}.{type(expert).__name__}",
                "detail_url": get_object_detail_url(
                    self.context["router"], self.context["request"], type(expert), expert.pk
                ),
                "html_url": expert.full_url,
            },
            "title": expert.title,
        }
