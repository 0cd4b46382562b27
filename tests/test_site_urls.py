"""Every URL the site hands out, in pages and emails, points where it is served.

Public URLs come from the default Site (manage.py configure_site sets it), admin links in
emails from WAGTAILADMIN_BASE_URL; `make run` gives both its own address.
"""

import io
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from wagtail.models import Site

import pytest
from bs4 import BeautifulSoup

from editorial.management.commands import dev_logins
from editorial.roles import EDITOR_IN_CHIEF
from pagecache.models import PublishGeneration
from sitesettings.models import SiteIdentity

from .conftest import make_user, sign_in
from .factories.publications import CommentaryPageFactory
from .helpers import soup
from .workflow.conftest import COMMENT, commentary_form, create_draft, edit, workflow_action

ROOT = Path(__file__).resolve().parents[1]


def default_site():
    return Site.objects.get(is_default_site=True)


def configure(*args, **options):
    out = io.StringIO()
    call_command("configure_site", *args, stdout=out, **options)
    return out.getvalue()


def generation():
    row = PublishGeneration.objects.filter(pk=1).first()
    return row.value if row else None


# configure_site


def test_configure_site_sets_host_port_and_name_and_a_second_run_changes_nothing(site_tree):
    assert "now http://127.0.0.1:8123/" in configure("http://127.0.0.1:8123")
    site = default_site()
    assert (site.hostname, site.port, site.site_name) == ("127.0.0.1", 8123, "Agora")
    assert site.root_page_id == site_tree["home"].pk
    before = generation()
    assert "already http://127.0.0.1:8123/" in configure("http://127.0.0.1:8123")
    assert Site.objects.count() == 1
    site.refresh_from_db()
    assert (site.hostname, site.port, site.site_name) == ("127.0.0.1", 8123, "Agora")
    assert generation() == before  # nothing changed, nothing purged


def test_a_changed_address_purges_the_cached_pages(site_tree):
    configure("http://127.0.0.1:8123")
    before = generation()
    configure("https://commentary.example.org")
    assert generation() != before


def test_https_is_port_443_and_the_root_url_says_https(site_tree):
    configure("https://Commentary.Example.org/")
    site = default_site()
    assert (site.hostname, site.port) == ("commentary.example.org", 443)
    assert site.root_url == "https://commentary.example.org"


def test_site_url_from_the_environment(site_tree, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://think.example.net")
    configure()
    assert default_site().root_url == "https://think.example.net"


def test_without_site_url_production_uses_the_first_allowed_host_over_https(
    site_tree, monkeypatch, settings
):
    monkeypatch.delenv("SITE_URL", raising=False)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*", ".commentary.example.org", "127.0.0.1"]
    configure()
    assert default_site().root_url == "https://commentary.example.org"


def test_without_any_address_it_says_what_to_give(site_tree, monkeypatch, settings):
    monkeypatch.delenv("SITE_URL", raising=False)
    settings.DEBUG = True
    with pytest.raises(CommandError, match="SITE_URL"):
        configure()


def test_the_name_is_the_site_identitys_or_the_one_given(site_tree):
    SiteIdentity.objects.create(site=default_site(), site_name="Valdai Notes")
    configure("http://127.0.0.1:8123")
    assert default_site().site_name == "Valdai Notes"
    configure("http://127.0.0.1:8123", name="Other Name")
    assert default_site().site_name == "Other Name"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a site URL"),
        ("ftp://commentary.example.org", "is not a site URL"),
        ("https://", "is not a site URL"),
        ("https://commentary.example.org/blog/", "path, query or fragment"),
        ("https://commentary.example.org/?x=1", "path, query or fragment"),
        ("https://user:pw@commentary.example.org", "user name or password"),
        ("https://commentary.example.org:8443", "only for port 443"),
        ("http://commentary.example.org:443", "port 443 as https"),
        ("http://[::1]:8000", "IPv6"),
    ],
)
def test_a_bad_url_is_a_clear_error_and_changes_nothing(site_tree, url, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        configure(url)
    site = default_site()
    assert (site.hostname, site.port) == ("localhost", 80)


def test_without_a_default_site_it_says_to_load_the_seed(db):
    Site.objects.all().delete()
    with pytest.raises(CommandError, match="load_seed"):
        configure("http://127.0.0.1:8123")


def test_on_the_command_line_a_bad_url_is_one_line_not_a_traceback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "configure_site", "https://example.org/x/"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("CommandError: 'https://example.org/x/' has a path")


# What the Site's address reaches


def test_dashboard_title_is_the_site_name_not_the_host(editorial, client):
    sign_in(client, editorial["editor"])
    assert soup(client.get("/admin/")).select_one("h1").get_text(strip=True) == "localhost"
    configure("http://127.0.0.1:8123")
    assert soup(client.get("/admin/")).select_one("h1").get_text(strip=True) == "Agora"


def test_citation_canonical_and_json_ld_use_the_configured_site(editorial, client):
    page = CommentaryPageFactory(
        parent=editorial["publications"], title="Grain Corridors", authors=[editorial["expert"]]
    )
    configure("https://commentary.example.org")
    expected = "https://commentary.example.org/publications/grain-corridors/"
    response = client.get("/publications/grain-corridors/")
    assert "localhost" not in response.content.decode()
    document = soup(response)
    assert document.select_one("head link[rel=canonical]")["href"] == expected
    assert document.select_one(".how-to-cite .citation a")["href"] == expected
    graph = [
        json.loads(script.string)
        for script in document.select('script[type="application/ld+json"]')
    ]
    articles = [
        item
        for data in graph
        for item in data.get("@graph", [data])
        if item.get("@type") == "Article"
    ]
    assert articles and all(article["url"] == expected for article in articles)
    bibtex = client.get(page.url + "cite.bib").content.decode()
    assert f"url = {{{expected}}}" in bibtex


# Every link in every notification email opens for its recipient on the running server

URL = re.compile(r"https?://[^\s\"'<>]+")


def urls_in(message):
    """What a reader can open: the URLs in the text, and the links and text of the HTML (not
    its doctype or namespace)."""
    texts = [message.body]
    for content, _mimetype in getattr(message, "alternatives", []):
        document = BeautifulSoup(content, "html.parser")
        texts += [a["href"] for a in document.select("a[href]")] + [document.get_text(" ")]
    return {urldefrag(url.rstrip(".,;:)")).url for text in texts for url in URL.findall(text)}


def session_cookie(user):
    browser = Client()
    sign_in(browser, user)
    return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, cookie):
    # http(s) only: urls_in finds nothing else, and the caller checks the host.
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


SUBMIT = {"action": "submit", "comment_notifications": "on"}


def new_mail(trigger):
    """The emails `trigger` sends (Wagtail sends workflow emails after the commit)."""
    mail.outbox.clear()
    trigger()
    sent = list(mail.outbox)
    assert sent, "the step sent no email"
    return sent


def test_every_link_in_every_notification_email_opens_for_its_recipient(
    live_server, transactional_db, editorial, settings
):
    e = editorial
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    configure(live_server.url)
    served = urlsplit(live_server.url)
    e["chief2"] = make_user("chief2", EDITOR_IN_CHIEF)
    # The people use the site at its address, as a browser would.
    client = Client(HTTP_HOST=served.netloc)
    page = create_draft(client, e["author"], e["publications"], e["expert"])

    def comment():
        sign_in(client, e["editor"])
        data = {**commentary_form(page), **COMMENT}
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        assert client.post(url, data).status_code == 302

    def review_link():
        sign_in(client, e["editor"])
        data = {
            "reviewer_name": "Jane Doe",
            "reviewer_email": "jane@example.net",
            "days": 7,
            "version": "pinned",
            "send_email": "on",
        }
        response = client.post(reverse("planning:review_links", args=[page.pk]), data)
        steps["review_url"] = soup(response).select_one("#new-review-url")["href"]

    def reviewer_answers():
        reviewer = Client(HTTP_HOST=served.netloc)
        path = urlsplit(steps["review_url"]).path
        response = reviewer.post(path, {"action": "comment", "comment": "A thought."})
        assert response.status_code == 302

    steps = {}
    sent = {
        # A browser posts the edit form with the comment-notifications box as it was: ticked.
        "submitted": new_mail(lambda: edit(client, e["author"], page, **SUBMIT)),
        "comment": new_mail(comment),
        "changes requested": new_mail(
            lambda: workflow_action(client, e["editor"], page, "reject", "Cite the treaty.")
        ),
        "resubmitted": new_mail(lambda: edit(client, e["author"], page, **SUBMIT)),
        "review link": new_mail(review_link),
        "reviewer answered": new_mail(reviewer_answers),
        "editor approved": new_mail(lambda: workflow_action(client, e["editor"], page, "approve")),
        "review restarted": new_mail(lambda: edit(client, e["chief"], page, lead="Shorter.")),
        "approved again": new_mail(lambda: workflow_action(client, e["editor"], page, "approve")),
        "published": new_mail(lambda: workflow_action(client, e["chief2"], page, "approve")),
    }
    page.refresh_from_db()
    assert page.live

    users = {user.email: user for user in get_user_model().objects.all()}
    checked = []
    for step, messages in sent.items():
        for message in messages:
            links = urls_in(message)
            assert links, f"{step}: no link in “{message.subject}”"
            (recipient,) = message.to
            user = users.get(recipient)  # the outside reviewer has no account
            cookie = session_cookie(user) if user else None
            for link in links:
                parts = urlsplit(link)
                assert (parts.scheme, parts.netloc) == (served.scheme, served.netloc), link
                status, headers = fetch(link, cookie)
                if status == 302:
                    target = headers["Location"]
                    assert "/login/" not in target, f"{step}: {link} asks {recipient} to sign in"
                    status, _ = fetch(urllib.request.urljoin(link, target), cookie)
                assert status == 200, f"{step}: {link} answered {status} to {recipient}"
                checked.append((message.subject, recipient, parts.path))
    paths = {path for _, _, path in checked}
    subjects = {subject for subject, _, _ in checked}
    # Ours (editorial/workflow.py, planning/notify.py) as well as Wagtail's.
    assert any(subject.startswith("Review restarted") for subject in subjects)
    assert any(subject.startswith("Jane Doe:") for subject in subjects)
    assert page.url in paths  # the public page, from the Site
    assert f"/admin/pages/{page.pk}/edit/" in paths
    assert f"/admin/pages/{page.pk}/history/" in paths  # ours, planning/notify.py
    assert urlsplit(steps["review_url"]).path in paths
    assert {recipient for _, recipient, _ in checked} >= {
        "author@example.org",
        "editor@example.org",
        "chief@example.org",
        "jane@example.net",
    }


# make run


def test_make_run_serves_and_mails_from_its_port(tmp_path):
    """The run target for real, with manage.py replaced by a stub that logs each call."""
    log = tmp_path / "calls.log"
    stub = tmp_path / "manage.sh"
    stub.write_text(
        'echo "$* WAGTAILADMIN_BASE_URL=${WAGTAILADMIN_BASE_URL-unset}" >> "$LOG"\n'
        # The worker starts in the background and make's trap stops it when the server ends:
        # the server waits for the worker's line first.
        'if [ "$1" = runserver ]; then i=0; while [ $i -lt 100 ] && '
        '! grep -q "^run_scheduler" "$LOG"; do sleep 0.1; i=$((i+1)); done; fi\n'
    )
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / ".installed").touch()  # newer than the lock: nothing is installed
    env = {k: v for k, v in os.environ.items() if k != "WAGTAILADMIN_BASE_URL"}

    def run(**extra):
        log.write_text("")
        subprocess.run(
            ["make", "run", "PORT=8123", f"VENV={venv}", f"MANAGE=sh {stub}"],  # noqa: S607
            cwd=ROOT,
            env={**env, "LOG": str(log), **extra},
            check=True,
            capture_output=True,
            timeout=60,
        )
        return {line.split()[0]: line for line in log.read_text().splitlines()}

    calls = run()
    assert calls["configure_site"].startswith("configure_site http://127.0.0.1:8123 ")
    assert calls["dev_logins"].startswith("dev_logins --url http://127.0.0.1:8123 ")
    base = "WAGTAILADMIN_BASE_URL=http://127.0.0.1:8123"
    assert calls["runserver"] == f"runserver 127.0.0.1:8123 {base}"
    assert calls["run_scheduler"].endswith(base)
    # A base URL from the environment (a tunnel, another host name) is kept.
    calls = run(WAGTAILADMIN_BASE_URL="https://tunnel.example.net")
    assert calls["runserver"].endswith("WAGTAILADMIN_BASE_URL=https://tunnel.example.net")
    assert calls["run_scheduler"].endswith("WAGTAILADMIN_BASE_URL=https://tunnel.example.net")


def dev_logins_output(url):
    out = io.StringIO()
    call_command("dev_logins", url=url, stdout=out)
    return out.getvalue()


def test_make_run_says_how_to_turn_two_factor_on_and_where_to_enrol(
    editorial, settings, tmp_path, monkeypatch, client
):
    # Not the checkout's own .local/credentials.json, which holds the developer's passwords.
    monkeypatch.setattr(dev_logins, "CREDENTIALS_FILE", tmp_path / "credentials.json")
    settings.DEBUG = True
    settings.TWO_FACTOR_REQUIRED = False
    text = dev_logins_output("http://127.0.0.1:8123")
    assert "Two-factor sign-in: off" in text and "  TWO_FACTOR_REQUIRED=1 make run\n" in text
    enrol = re.search(r"authenticator app\): (\S+)", text).group(1)
    assert enrol == "http://127.0.0.1:8123/admin/two-factor/"

    settings.TWO_FACTOR_REQUIRED = True
    text = dev_logins_output("http://127.0.0.1:8123")
    assert "required for admin and chief (TWO_FACTOR_REQUIRED=1)" in text
    assert "http://127.0.0.1:8123/admin/two-factor/" in text
    # With it on, the printed page is the one the account settings link to, and enrolment
    # shows a QR code.
    sign_in(client, editorial["other_author"])  # dev_logins reset the author's password
    account = soup(client.get(reverse("wagtailadmin_account")))
    assert account.select_one(f'a[href="{urlsplit(enrol).path}"]') is not None
    assert soup(client.get(urlsplit(enrol).path)).select_one("main") is not None
    qr = soup(client.get(reverse("two_factor_setup"))).select_one("img.two-factor-qr")
    assert qr["src"].startswith("data:image/svg+xml;base64,")
