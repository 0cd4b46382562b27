from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls
from .permissions import can_import


@hooks.register("register_admin_urls")
def intake_urls():
    return [path("import/", include((urls.urlpatterns, "intake"), namespace="intake"))]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return ImportMenuItem("Import", reverse("intake:upload"), icon_name="upload", order=260)
