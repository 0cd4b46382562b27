from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    """How readers and machines find the content: search, feeds, sitemap, robots.txt,
    structured data and the read-only API. No models: it reads the page apps' ones."""

    name = "discovery"
