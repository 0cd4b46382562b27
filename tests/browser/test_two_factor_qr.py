"""The enrolment QR code is drawn by a real browser, with the content policy enforced."""

import io
import re

import pytest
from PIL import Image

from editorial.roles import EDITOR_IN_CHIEF, ensure_editorial_setup
from intake.management.commands.load_seed import ensure_site_tree

from ..conftest import PASSWORD, ensure_wagtail_base, make_user
from .conftest import screenshot


@pytest.fixture
def chief_without_device(live_server, transactional_db):
    ensure_wagtail_base()
    ensure_site_tree()
    ensure_editorial_setup()
    make_user("chief", EDITOR_IN_CHIEF)
    return live_server


def enforce_policy(route):
    """The admin sends its policy report-only; enforce it here, as the public site does."""
    response = route.fetch()
    headers = dict(response.headers)
    policy = headers.pop("content-security-policy-report-only", None)
    assert policy, "the admin page carries a content security policy"
    headers["content-security-policy"] = policy
    route.fulfill(response=response, headers=headers)


def test_enrolment_qr_code_is_a_visible_image_under_the_strict_policy(
    browser, chief_without_device
):
    context = browser.new_context(base_url=chief_without_device.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.route(re.compile(r"/admin/two-factor/setup/"), enforce_policy)
    page.goto("/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/two-factor/setup/**")
    violations.clear()
    # Loaded again directly: a request reached through a redirect is not routed.
    response = page.goto("/admin/two-factor/setup/")
    assert "img-src 'self' data:" in response.headers["content-security-policy"]
    qr = page.locator("img.two-factor-qr")
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0")
    box = qr.bounding_box()
    assert box["width"] >= 200 and box["height"] >= 200
    screenshot(page, "two-factor-setup")
    pixels = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    dark = sum(pixels.histogram()[:64])
    share = dark / (pixels.width * pixels.height)
    # A QR code is roughly half dark modules; an empty square has none.
    assert 0.2 < share < 0.8, share
    # Enforced, and nothing of the QR code refused (the avatar from Gravatar is another matter).
    assert not [v for v in violations if "data:image" in v or "style" in v], violations
    context.close()
