from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "pagecache"
    label = "pagecache"
    verbose_name = "Edge cache and memo"
    default_auto_field = "django.db.models.BigAutoField"
