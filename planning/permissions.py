"""Who plans: the people who may change any commentary in the publications section.

That is the editors and the editor-in-chief (and superusers), as editorial/roles.py grants
"change" on the section; authors only hold "add" and edit their own pages. Deriving the rule
from the page permissions keeps one source of truth for the roles.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from wagtail.models import GroupPagePermission

from publications.models import CommentaryPage, PublicationIndexPage

PLANNING_ACTIONS = {"add", "change"}


def _active(user):
    return bool(user and user.is_authenticated and user.is_active)


def section():
    return PublicationIndexPage.objects.first()


def can_plan(user):
    """May commission, see the calendar and its feed, and manage review links."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_agora_can_plan", None)
    if cached is None:
        index = section()
        cached = bool(index) and index.permissions_for_user(user).permissions >= PLANNING_ACTIONS
        user._agora_can_plan = cached
    return cached


def can_manage_review_links(user, page):
    """May create and revoke review links for this commentary: "change" over it, not ownership."""
    specific_class = page.specific_class
    if not _active(user) or not specific_class or not issubclass(specific_class, CommentaryPage):
        return False
    if user.is_superuser:
        return True
    return "change" in page.permissions_for_user(user).permissions


def planners():
    """Everyone who may be the responsible editor of a commission."""
    users = get_user_model().objects.filter(is_active=True)
    index = section()
    if index is None:
        return users.filter(is_superuser=True)
    ancestors = index.get_ancestors(inclusive=True)
    allowed = users
    for action in sorted(PLANNING_ACTIONS):  # each action through any of the user's groups
        granted = GroupPagePermission.objects.filter(
            page__in=ancestors, permission__codename=f"{action}_page"
        ).values("group")
        allowed = allowed.filter(groups__in=granted)
    pks = allowed.values("pk")
    return users.filter(Q(is_superuser=True) | Q(pk__in=pks)).order_by("username")
