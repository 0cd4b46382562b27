"""A render that spans a publish's commit: read before it, answered after it. The publish's ban
may reach the proxy before this response does, and Varnish bans only what it held at the ban,
so a shared response would keep the old title until its TTL. It is answered private instead;
the next request, which reads the new state, is shared again."""

from django.test import Client
from django.test.signals import template_rendered

ARTICLE = "/publications/japan-energy/"


def shared(response):
    return "s-maxage=" in response["Cache-Control"] and "X-Cache-Tags" in response


def test_a_render_a_publish_committed_during_is_not_shared(newsroom, edge, committed):
    page = newsroom["joint"]  # Japan energy

    def publish_during_render(sender, template, **kwargs):
        if template.name == "publications/commentary_page.html":
            template_rendered.disconnect(publish_during_render)
            page.title = "Japan energy, as published mid-render"
            with committed():
                page.save_revision().publish()

    template_rendered.connect(publish_during_render)
    try:
        during = Client().get(ARTICLE)
    finally:
        template_rendered.disconnect(publish_during_render)
    assert b"as published mid-render" not in during.content  # read before: the race happened
    assert not shared(during), during["Cache-Control"]
    assert "private" in during["Cache-Control"]

    after = Client().get(ARTICLE)
    assert b"as published mid-render" in after.content
    assert shared(after), after["Cache-Control"]


def test_a_render_no_publish_interrupted_is_shared(newsroom, edge):
    assert shared(Client().get(ARTICLE))
