"""Every page type of ours is an AgoraPage (core/models.py): one publishing policy, one
view-restriction check, one spelling of "visible to readers" through the manager."""

from django.contrib.auth.models import AnonymousUser

from wagtail.models import PageViewRestriction, get_page_models

import pytest

from core.models import AgoraPage, AgoraPageManager
from editorial.visibility import visible_to_readers
from publications.models import CommentaryPage

OURS = [
    model
    for model in get_page_models()
    if model._meta.app_label in ("core", "publications", "experts")
]


def test_there_are_page_types_of_ours():
    assert len(OURS) >= 5, OURS


@pytest.mark.parametrize("model", OURS, ids=lambda model: model.__name__)
def test_every_page_type_is_an_agora_page_with_its_manager(model):
    assert issubclass(model, AgoraPage)
    assert isinstance(model.objects, AgoraPageManager)


def test_the_managers_spelling_is_the_visibility_rule(newsroom_like):
    hidden, shown = newsroom_like
    by_manager = set(CommentaryPage.objects.visible_to_readers().values_list("pk", flat=True))
    by_rule = set(visible_to_readers(CommentaryPage.objects.all()).values_list("pk", flat=True))
    assert by_manager == by_rule
    assert shown.pk in by_manager and hidden.pk not in by_manager


def test_only_superusers_publish_any_page_type_directly(site_tree, django_user_model):
    editor = django_user_model.objects.create_user("someone", password="x")
    for page in (site_tree["home"], site_tree["publications"], site_tree["experts"]):
        assert not page.permissions_for_user(editor).can_publish()
        assert not page.permissions_for_user(AnonymousUser()).can_publish()


@pytest.fixture
def newsroom_like(site_tree):
    from .factories.publications import CommentaryPageFactory

    hidden = CommentaryPageFactory(parent=site_tree["publications"])
    shown = CommentaryPageFactory(parent=site_tree["publications"])
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    return hidden, shown
