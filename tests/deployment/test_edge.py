"""The edge as compose runs it, for real on loopback: varnishd with deploy/varnish/default.vcl
and nginx with deploy/nginx/media.conf (scripts/edge.py), in front of a small recording backend
standing in for gunicorn. Needs Debian's varnish, varnish-modules and nginx."""

import http.client
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scripts import edge


class Backend(BaseHTTPRequestHandler):
    """Answers every request as a cacheable anonymous page would, and records its path."""

    protocol_version = "HTTP/1.1"

    def answer(self):
        self.server.received.append((self.command, self.path))
        body = f"{self.command} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Cache-Control", "public, max-age=0, s-maxage=60")
        self.send_header("X-Cache-Tags", "page:7 listing:publications")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def backend():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def media_root():
    # Under /tmp rather than pytest's private temporary folder: nginx's workers are another user.
    root = Path(tempfile.mkdtemp(prefix="agora-media-"))
    for folder in ("images", "original_images", "documents"):
        (root / folder).mkdir()
    (root / "images" / "portrait.fill-100x100.png").write_bytes(b"\x89PNG\r\n\x1a\n rendition")
    (root / "original_images" / "portrait.png").write_bytes(b"\x89PNG\r\n\x1a\n original")
    (root / "documents" / "private-report.pdf").write_bytes(b"%PDF-1.4 confidential")
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield root
    shutil.rmtree(root)


@pytest.fixture(scope="module")
def media(media_root):
    with edge.media_server(media_root) as port:
        yield port


@pytest.fixture(scope="module")
def varnish(backend, media):
    with edge.varnish(backend.server_address[1], media) as port:
        yield port


def request(port, path, method="GET", **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": "agora.example.org", **headers})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def test_the_vcl_compiles_with_vsthrottle():
    returncode, messages = edge.compile_vcl(edge.local_vcl(8000, 8080))
    assert returncode == 0, messages


def test_api_clients_get_429_after_20_requests_in_10_seconds(varnish):
    client = {"X-Forwarded-For": "203.0.113.10"}
    statuses = [request(varnish, "/api/v2/pages/", **client)[0] for _ in range(20)]
    assert statuses == [200] * 20
    status, _, headers = request(varnish, "/api/v2/pages/", **client)
    assert status == 429 and headers["Retry-After"] == "10"
    # Another reader is not held back by the first one, nor are the first one's pages.
    assert request(varnish, "/api/v2/pages/", **{"X-Forwarded-For": "203.0.113.11"})[0] == 200
    assert request(varnish, "/publications/", **client)[0] == 200


def test_api_rate_limit_cannot_be_escaped_by_forging_x_forwarded_for(varnish):
    # The client writes whatever it likes to the left; the TLS proxy appends what it saw.
    statuses = [
        request(varnish, "/api/v2/pages/", **{"X-Forwarded-For": f"10.9.9.{n}, 203.0.113.20"})[0]
        for n in range(25)
    ]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}


def test_admin_login_and_password_reset_posts_are_limited_at_the_edge(varnish):
    client = {"X-Forwarded-For": "203.0.113.30", "Content-Length": "0"}
    statuses = [request(varnish, "/admin/login/", "POST", **client)[0] for _ in range(10)]
    assert statuses == [200] * 10
    assert request(varnish, "/admin/login/", "POST", **client)[0] == 429
    assert request(varnish, "/admin/password_reset/", "POST", **client)[0] == 429
    # Showing the form is not limited.
    assert request(varnish, "/admin/login/", **client)[0] == 200


def test_tracking_parameters_do_not_store_another_copy_of_a_page(varnish, backend):
    path = "/publications/campaign-landing/"
    assert request(varnish, path + "?utm_source=news&utm_medium=email")[2]["X-Cache"] == "MISS"
    for variant in ("", "?fbclid=abc", "?gclid=1&utm_campaign=x", "?mc_cid=1&mc_eid=2"):
        assert request(varnish, path + variant)[2]["X-Cache"] == "HIT", variant
    assert [p for _, p in backend.received if p.startswith(path)] == [path]
    # Parameters that do change a page are kept, in order.
    status, body, _ = request(varnish, path + "?page=2&utm_source=x&q=japan")
    assert body == f"GET {path}?page=2&q=japan".encode()


def test_media_is_served_through_varnish_by_the_media_server(varnish):
    status, body, headers = request(varnish, "/media/images/portrait.fill-100x100.png")
    assert status == 200 and body.endswith(b"rendition")
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'none'; sandbox"
    )
    assert headers["Cache-Control"] == "max-age=31536000"
    assert request(varnish, "/media/images/portrait.fill-100x100.png")[2]["X-Cache"] == "HIT"
    assert request(varnish, "/media/original_images/portrait.png")[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/private-report.pdf",
        "/media//documents/private-report.pdf",
        "/media/%64ocuments/private-report.pdf",
        "/media/images/../documents/private-report.pdf",
        "/media/./documents/private-report.pdf",
    ],
)
def test_private_documents_are_not_exposed_under_media(varnish, media, path):
    for port in (varnish, media):
        status, body, _ = request(port, path)
        assert status == 404 and b"confidential" not in body, (port, path)


def test_media_folders_are_not_listed(media):
    for path in ("/media/", "/media/images/", "/media/original_images/", "/"):
        status, body, _ = request(media, path)
        assert status in (403, 404) and b"portrait" not in body, path


def test_the_application_still_purges_by_tag_and_by_path_from_its_own_host(varnish):
    # The page cache's protocol (pagecache/purge.py): PURGE /.cache-tags/<tag> and PURGE <path>.
    path = "/publications/tagged/"
    request(varnish, path)
    assert request(varnish, path)[2]["X-Cache"] == "HIT"
    assert request(varnish, "/.cache-tags/page:7", "PURGE")[0] == 200
    assert request(varnish, path)[2]["X-Cache"] == "MISS"
    assert request(varnish, path)[2]["X-Cache"] == "HIT"
    assert request(varnish, path, "PURGE")[0] == 200
    assert request(varnish, path)[2]["X-Cache"] == "MISS"
