"""Every public page, at 360 px and 1280 px, with axe-core (from npm, see package.json): zero
violations of any impact. Screenshots of each go to test-artifacts/. The same pages load
without a single Content-Security-Policy violation when the policy is enforced."""

import io
import os
from pathlib import Path

from django.core.files.images import ImageFile
from django.test import RequestFactory

from wagtail.images.models import Image

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from config.resilience import server_error
from experts.models import ExpertPage

from ..conftest import SEED_COMMENTARY_URL, SEED_EXPERT_URL
from .conftest import ARTIFACTS
from .test_browsing import _connections_survive_playwright  # noqa: F401  (same harness fix)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {360: 780, 1280: 900}
PAGES = {
    "home": "/",
    "listing": "/publications/",
    "listing-filtered": "/publications/?expert=anna-petrova&region=japan&region=atlantis",
    "commentary": SEED_COMMENTARY_URL,
    "commentary-full": "/publications/joint-japan-energy/",  # two authors, a figure, related
    "expert": SEED_EXPERT_URL,
    "experts": "/experts/",
    "experts-filtered": "/experts/?letter=P&competence=security",
    "regions": "/regions/",
    "region-hub": "/regions/japan/",
    "competence-hub": "/competences/security/",
    "search": "/search/?q=Japan",
    "not-found": "/no-such-page/",
    "server-error": "/__server-error__/",  # the static 500 page, served by the test's route
}


def axe_source():
    if not AXE.exists():
        message = f"{AXE} is missing: run 'npm ci' (make test does)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def portrait(initials, colour):
    """A small generated portrait (no binary test data in the repository)."""
    picture = PILImage.new("RGB", (320, 320), colour)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((90, 50, 230, 190), fill=(236, 230, 220))
    draw.ellipse((40, 200, 280, 420), fill=(236, 230, 220))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return Image.objects.create(
        title=f"Portrait {initials}", file=ImageFile(buffer, name=f"{initials}.png")
    )


def chart():
    picture = PILImage.new("RGB", (1200, 600), (245, 243, 238))
    draw = ImageDraw.Draw(picture)
    for i, height in enumerate([180, 260, 340, 300, 420, 480]):
        draw.rectangle((120 + i * 170, 540 - height, 220 + i * 170, 540), fill=(18, 50, 79))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return Image.objects.create(title="Chart", file=ImageFile(buffer, name="chart.png"))


@pytest.fixture
def reading_site(live_site, corpus):
    """The seed and the browsing corpus, with portraits and a figure, so that every part of
    the design is on some page."""
    for slug, colour in [
        ("andrey-sushentsov", (88, 107, 128)),
        ("anna-petrova", (128, 92, 88)),
        ("boris-adamov", (92, 120, 98)),
    ]:
        expert = ExpertPage.objects.get(slug=slug)
        expert.photo = portrait(slug, colour)
        expert.save_revision().publish()
    joint = corpus["joint"]
    joint.body.append(
        (
            "image",
            {"image": chart(), "alt_text": "Bar chart: energy trade rising", "caption": "Trade."},
        )
    )
    joint.body.append(("quote", {"text": "Energy ties bind.", "attribution": "A diplomat"}))
    joint.save_revision().publish()
    return live_site


def serve_500(page):
    """The static 500 page as handler500 renders it, at a URL of the live site (so that its
    stylesheet loads from there)."""
    html = server_error(RequestFactory().get("/")).content.decode()
    page.route(
        "**/__server-error__/",
        lambda route: route.fulfill(status=500, content_type="text/html", body=html),
    )


# Every rule axe runs by default, and its experimental ones too (p-as-heading among them, which
# Wagtail's checker for editors uses).
AXE_RUN = """async () => {
  const rules = Object.fromEntries(
    axe.getRules(["experimental"]).map((rule) => [rule.ruleId, {enabled: true}])
  );
  return (await axe.run(document, {rules, resultTypes: ["violations"]})).violations;
}"""


def run_axe(page):
    page.add_script_tag(path=str(axe_source()))
    return page.evaluate(AXE_RUN)


def describe(violations):
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_public_page_has_no_axe_violation(browser, reading_site, width):
    axe_source()
    # axe is injected as a script: only this context lets the page run it past the policy.
    context = browser.new_context(
        base_url=reading_site.url,
        bypass_csp=True,
        viewport={"width": width, "height": WIDTHS[width]},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    serve_500(page)
    found = {}
    try:
        # The harness itself: axe must see what is wrong with a page that is wrong.
        page.set_content('<html><body><img src="/static/x.png"><a href="/"></a></body></html>')
        assert {"image-alt", "link-name", "html-has-lang"} <= {v["id"] for v in run_axe(page)}
        for name, url in PAGES.items():
            response = page.goto(url)
            expected = {"not-found": 404, "server-error": 500}.get(name, 200)
            assert response.status == expected, (url, response.status)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
            no_overflow = page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            assert no_overflow, f"{url} scrolls sideways at {width} px"
            violations = run_axe(page)
            if violations:
                found[url] = describe(violations)
    finally:
        context.close()
    print(f"axe checked {len(PAGES)} pages at {width} px")
    assert not found, found


CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_every_public_page_loads_under_the_enforced_policy_without_violations(
    browser, reading_site
):
    context = browser.new_context(base_url=reading_site.url)
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    serve_500(page)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    violations = {}
    try:
        for url in PAGES.values():
            page.goto(url)
            page.wait_for_load_state("load")
            found = page.evaluate("window.__cspViolations")
            if found:
                violations[url] = found
            stylesheet = page.evaluate(
                "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
            )
            assert stylesheet == "rgb(18, 50, 79)", (url, stylesheet)  # the CSS did load
    finally:
        context.close()
    assert not violations and not refused, (violations, refused)


def test_editors_see_wagtails_checker_report_no_issue(browser, reading_site):
    """The admin's own accessibility checker (the userbar's "Checks") runs on live pages for
    signed-in editors, under the enforced policy, and finds nothing to warn about."""
    from django.test import Client

    from playwright.sync_api import expect

    from ..conftest import make_user, sign_in

    client = Client()
    sign_in(client, make_user("editor-a11y", is_superuser=True, is_staff=True))
    context = browser.new_context(base_url=reading_site.url)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": reading_site.url,
            }
        ]
    )
    page = context.new_page()
    try:
        for url in [SEED_COMMENTARY_URL, "/publications/joint-japan-energy/", "/publications/"]:
            page.goto(url)
            userbar = page.locator("wagtail-userbar")
            userbar.locator("#wagtail-userbar-trigger").click()
            expect(userbar.locator("#checker-trigger")).to_be_visible()
            expect(userbar.locator("[data-content-checker-count]").first).to_have_text(
                "0", timeout=15_000
            )
    finally:
        context.close()
