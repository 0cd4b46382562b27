"""Who imports: whoever may add commentaries to the publications section (authors, editors,
the editor-in-chief, superusers), as the page permissions of editorial/roles.py say."""

from publications.models import PublicationIndexPage


def can_import(user):
    if not (user and user.is_authenticated and user.is_active):
        return False
    index = PublicationIndexPage.objects.first()
    return index is not None and index.permissions_for_user(user).can_add_subpage()
