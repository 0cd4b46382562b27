from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security"

    def ready(self):
        from . import throttles  # noqa: F401  (connects the sign-in signal receivers)
