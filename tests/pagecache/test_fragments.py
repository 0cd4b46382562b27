"""The commentary's article as a fragment ({% publishedcache %}: Wagtail's page fragment cache
in the memo's store, core/templatetags/core_tags.py) and the release in every memo key
(pagecache.memo.release).

- A name published while the article renders (after its relations were read, before the
  fragment is stored) is shown by the next request: the fragment is keyed by the generation
  read before the relations.
- Django's and Wagtail's stock tags let a store's error through (an error page while Redis is
  down); ours renders the article instead, and the page equals one rendered without the memo.
- RELEASE_ID from the environment is the release; unset, the process's start, renewed when
  runserver's reloader sees a file change (a template edit restarts nothing): what an older
  release kept is never read.
"""

import logging
from pathlib import Path

from django.core.cache import caches
from django.template import engines
from django.test.signals import template_rendered
from django.utils import autoreload

import pytest
from redis.exceptions import RedisError

from pagecache import memo

from .conftest import render, unmemoised

ARTICLE = "/publications/japan-energy/"  # by Anna Petrova and Boris Adamov


def test_a_name_published_while_the_article_renders_shows_next_time(newsroom, memo_on, committed):
    anna = newsroom["anna"]

    def publish_during_render(sender, template, **kwargs):
        if template.name == "publications/commentary_page.html":
            template_rendered.disconnect(publish_during_render)
            anna.title = "Anna Petrova-Ito"
            with committed():
                anna.save_revision().publish()

    template_rendered.connect(publish_during_render)
    try:
        during = render(ARTICLE)
    finally:
        template_rendered.disconnect(publish_during_render)
    assert b"Anna Petrova-Ito" not in during  # read before the publish: the test is a race
    after = render(ARTICLE)
    assert b"Anna Petrova-Ito" in after
    assert after == unmemoised(ARTICLE)


def test_the_article_is_kept_once_and_then_served_from_the_store(newsroom, memo_on):
    render(ARTICLE)
    [key] = memo_on.keys("template.cache.commentary.*")
    memo_on.set(key, "<p>What the store holds</p>")  # only to see where the article comes from
    assert b"What the store holds" in render(ARTICLE)


@pytest.mark.parametrize("tag", ["cache", "wagtailpagecache"])
def test_the_stock_tags_let_the_stores_error_through(newsroom, unreachable_store, rf, tag):
    """Why the article does not use them as they are."""
    library = "cache" if tag == "cache" else "wagtail_cache"
    template = engines["django"].from_string(
        f'{{% load {library} %}}{{% {tag} 60 article using="memo" %}}text{{% end{tag} %}}'
    )
    request = rf.get("/")
    with pytest.raises(RedisError):
        template.render({"request": request, "page": newsroom["joint"]}, request)


def test_an_unreachable_store_renders_the_article(newsroom, unreachable_store, caplog):
    with caplog.at_level(logging.WARNING, logger="pagecache.memo"):
        page = render(ARTICLE)
    assert "Memo store unavailable" in caplog.text, "the store was not even tried"
    assert page == unmemoised(ARTICLE)
    assert b"Anna Petrova" in page


def memoised_once(name="release-test"):
    """How many times the value was computed over two reads."""
    computed = []
    for _ in range(2):
        memo.memoize(name, ("parts",), lambda: computed.append(1) or "value")
    return len(computed)


def test_the_release_is_release_id_and_a_new_one_reads_nothing_kept(memo_on, db, settings):
    settings.RELEASE_ID = "abc1234"
    assert memo.release() == "abc1234"
    assert memoised_once() == 1
    settings.RELEASE_ID = "def5678"  # the next deploy
    assert memoised_once() == 1, "a new release read what the last one kept"


def test_unset_the_release_is_the_process_start_renewed_by_a_file_change(memo_on, db, settings):
    settings.RELEASE_ID = ""
    first = memo.release()
    assert first == memo.release() and first.startswith("started-")
    assert memoised_once() == 1
    autoreload.file_changed.send(sender=None, file_path=Path("templates/base.html"))
    assert memo.release() != first
    assert memoised_once() == 1, "a value kept before the edit was read after it"


def test_without_the_memo_nothing_is_kept(newsroom, memo_store, settings):
    settings.MEMO_ENABLED = False
    render(ARTICLE)
    assert caches["memo"].keys("*") == ["ping"]  # the fixture's own
