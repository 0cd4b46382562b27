"""The commentary on paper (print stylesheet) and on screen (line length of the body text)."""

from ..conftest import SEED_COMMENTARY_URL
from ..factories.publications import CommentaryPageFactory
from .conftest import ARTIFACTS
from .test_browsing import _connections_survive_playwright  # noqa: F401  (same harness fix)

SHOWN = "(selector) => [...document.querySelectorAll(selector)].some(e => e.offsetParent)"


def test_a_commentary_prints_without_navigation_with_link_urls_and_the_citation_last(page, corpus):
    CommentaryPageFactory(
        parent=corpus["index"],
        title="Linked analysis",
        authors=[corpus["anna"]],
        regions=[corpus["japan"]],
        body=[("paragraph", '<p>See the <a href="https://example.org/report">report</a>.</p>')],
    )
    page.goto("/publications/linked-analysis/")
    assert page.evaluate(SHOWN, ".main-nav") and page.evaluate(SHOWN, ".related")
    page.emulate_media(media="print")
    for hidden in [".main-nav", ".site-search", ".site-footer", ".related", ".skip-link"]:
        assert not page.evaluate(SHOWN, hidden), hidden
    after = page.evaluate("getComputedStyle(document.querySelector('.body a'), '::after').content")
    assert "https://example.org/report" in after
    last = page.evaluate(
        "[...document.querySelectorAll('article.commentary > *')]"
        ".filter(e => e.offsetParent).pop().className"
    )
    assert last == "how-to-cite"
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=ARTIFACTS / "commentary-print.pdf")
    page.screenshot(path=ARTIFACTS / "commentary-print.png", full_page=True)


CHARACTERS_PER_LINE = """() => {
  const lines = [];
  for (const p of document.querySelectorAll('.body p')) {
    const range = document.createRange();
    range.selectNodeContents(p);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (tops.size > 2) lines.push(p.textContent.length / (tops.size - 0.5));
  }
  lines.sort((a, b) => a - b);
  return lines[Math.floor(lines.length / 2)];
}"""


def test_the_body_text_keeps_a_comfortable_measure(page):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(SEED_COMMENTARY_URL)
    wide = page.evaluate(CHARACTERS_PER_LINE)
    page.set_viewport_size({"width": 360, "height": 780})
    narrow = page.evaluate(CHARACTERS_PER_LINE)
    print(f"\ncharacters per line: {wide:.0f} at 1440 px, {narrow:.0f} at 360 px")
    assert 60 <= wide <= 80
    assert narrow >= 30
