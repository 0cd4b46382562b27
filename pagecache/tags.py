"""The cache tags, spelt in one place.

A response names what it shows in its X-Cache-Tags header (each page type's `page_cache_tags`,
see pagecache.middleware) and each change purges the tags its model declares
(`tags_purged_on_change`, connected by publications.invalidation). Both sides build the names
here, so they cannot drift apart; tests/pagecache/test_tag_contract.py checks that every tag
a page shows is one some change purges.

This module knows no page type: callers pass pages, ids and vocabulary keys.
"""

import re

CONTENT = "content"  # every page listing or counting content: a publish may change it
SITE = "site"  # every response: what all of them show (site tree, vocabularies, identity)

_KEY = re.compile(r"^[a-z]+$")  # the proxy bans on `[-:a-z0-9]+` (deploy/varnish)


def _id(obj_or_id):
    value = getattr(obj_or_id, "pk", obj_or_id)
    if value is None:
        raise ValueError("an unsaved object has no cache tag")
    return int(value)


def _key(vocabulary):
    if not _KEY.match(vocabulary):
        raise ValueError(f"not a vocabulary key: {vocabulary!r}")
    return vocabulary


def page_tag(page_or_id):
    """The page itself, and every card, byline or author box of it on other pages."""
    return f"page:{_id(page_or_id)}"


def listing_tag(vocabulary, obj_or_id):
    """The commentaries filed under one expert, region or competence (`vocabulary` is the key:
    "expert", "region", "competence"): a list any of those commentaries changes."""
    return f"{_key(vocabulary)}-list:{_id(obj_or_id)}"


def experts_listing_tag(vocabulary, obj_or_id):
    """The experts filed under one region or competence: a list any of those experts changes."""
    return f"expert-{_key(vocabulary)}:{_id(obj_or_id)}"


def page_tags(pages_or_ids):
    return {page_tag(page) for page in pages_or_ids}


def listing_tags(vocabulary, objs_or_ids):
    return {listing_tag(vocabulary, obj) for obj in objs_or_ids}


def experts_listing_tags(vocabulary, objs_or_ids):
    return {experts_listing_tag(vocabulary, obj) for obj in objs_or_ids}


def everything():
    """What a change shown on every page purges."""
    return {SITE}


def always_shown():
    """What every response carries, whatever it names itself."""
    return {SITE}
