"""Every public URL of the seeded site and every query key they read: what the reflected-XSS
and fuzz tests aim at."""

from ..conftest import SEED_COMMENTARY_URL, SEED_EXPERT_URL

SEED_PUBLIC_URLS = [
    "/",
    "/publications/",
    "/experts/",
    "/regions/",
    "/competences/",
    "/regions/japan/",
    "/competences/global-trends/",
    SEED_COMMENTARY_URL,
    SEED_EXPERT_URL,
    "/search/",
    "/publications/feed/",
    "/publications/feed/atom/",
    f"{SEED_EXPERT_URL}feed/",
    "/competences/global-trends/feed/",
    "/api/v2/pages/",
    "/api/v2/images/",
    "/api/v2/documents/",
    f"{SEED_COMMENTARY_URL}cite.bib",
    f"{SEED_COMMENTARY_URL}cite.json",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-hubs.xml",
]
# The listings' and hubs' own keys, the API's, and a few a page might be tempted to echo.
QUERY_KEYS = ["expert", "region", "competence", "year", "letter", "page", "q", "type", "limit"]
QUERY_KEYS += ["offset", "fields", "order", "search", "child_of", "id", "next", "utm_source"]
