"""Feeds, search, sitemap, robots.txt and citations: plain views, mounted before Wagtail."""

from django.urls import path, re_path

from publications.urls import TagSlugConverter  # noqa: F401  (registers the "tagslug" converter)

from . import feeds, search, seo

app_name = "discovery"


def feed_paths(prefix, name, **kwargs):
    """An RSS 2.0 feed at <prefix>feed/ and its Atom twin at <prefix>feed/atom/."""
    return [
        path(f"{prefix}feed/", feeds.rss, kwargs, name=f"{name}-rss"),
        path(f"{prefix}feed/atom/", feeds.atom, kwargs, name=f"{name}-atom"),
    ]


urlpatterns = [
    path("sitemap.xml", seo.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", seo.sitemap, name="sitemap-section"),
    path("robots.txt", seo.robots_txt, name="robots"),
    path("search/", search.search, name="search"),
    re_path(
        r"^(?P<page_path>(?:[-\w]+/)+)cite\.(?P<extension>bib|ris|json)$",
        seo.citation,
        name="citation",
    ),
    *feed_paths("publications/", "publications-feed", source="publications"),
    *feed_paths("experts/<tagslug:slug>/", "expert-feed", source="expert"),
    *feed_paths("regions/<tagslug:slug>/", "region-feed", source="hub", vocabulary="region"),
    *feed_paths(
        "competences/<tagslug:slug>/", "competence-feed", source="hub", vocabulary="competence"
    ),
]
