from django.utils.functional import SimpleLazyObject

from .models import identity_for_request


def site_identity(request):
    """`identity` in templates: read only when a template uses it."""
    return {"identity": SimpleLazyObject(lambda: identity_for_request(request))}
