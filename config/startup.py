"""What a web process does once its application is loaded, before it serves anyone."""

import gc

from django.urls import get_resolver


def settle():
    """Load the URL map, then set everything loaded so far aside from the garbage collector.

    Those objects (about 190,000: Django, Wagtail, the models, the URLs) live as long as the
    process, yet each full collection walks them all: about 90 ms, on whichever request happens
    to trigger it. Frozen, they are never walked again; what requests allocate is still
    collected."""
    get_resolver().url_patterns  # noqa: B018 - imported now, not on the first request
    gc.collect()
    gc.freeze()
