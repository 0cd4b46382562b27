from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"

    def ready(self):
        from . import home, invalidation, totals

        invalidation.connect()
        totals.connect()
        home.register()
