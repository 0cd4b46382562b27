"""The repository's edge configs, run for real on loopback ports: Varnish with
deploy/varnish/default.vcl and nginx with deploy/nginx/media.conf, the very files that
docker-compose.yml mounts, with only the compose host names, ports and the media volume's path
replaced. Used by the deployment tests and by scripts/compose_smoke.py (Debian packages: varnish,
varnish-modules, nginx).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
MEDIA_CONF = ROOT / "deploy" / "nginx" / "media.conf"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def replaced(text, replacements):
    for old, new in replacements.items():
        # A config that no longer says what we replace would silently test something else.
        if old not in text:
            raise ValueError(f"{old!r} is not in the config any more")
        text = text.replace(old, new)
    return text


def local_vcl(web_port, media_port):
    return replaced(
        VCL.read_text(),
        {
            '.host = "web";': '.host = "127.0.0.1";',
            '.port = "8000";': f'.port = "{web_port}";',
            '.host = "media";': '.host = "127.0.0.1";',
            '.port = "8080";': f'.port = "{media_port}";',
        },
    )


def compile_vcl(text):
    """varnishd -C on the text: (return code, compiler messages)."""
    workdir = workdir_for("vcc")
    try:
        path = workdir / "default.vcl"
        path.write_text(text)
        path.chmod(0o644)
        result = subprocess.run(
            ["varnishd", "-C", "-n", str(workdir / "n"), "-f", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result.returncode, result.stderr


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{process.args[0]} did not listen on {port} within {timeout} s")


@contextlib.contextmanager
def running(args, port, workdir, name):
    log = (Path(workdir) / f"{name}.log").open("w")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, process)
        yield port
    except RuntimeError as error:
        log.flush()
        raise RuntimeError(f"{error}: {(Path(workdir) / f'{name}.log').read_text()}") from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)
        process.wait(timeout=30)
        log.close()


def workdir_for(name):
    # The servers' workers run as other users when started as root: a readable folder.
    path = Path(tempfile.mkdtemp(prefix=f"agora-{name}-"))
    path.chmod(0o755)
    return path


@contextlib.contextmanager
def media_server(media_root):
    """nginx serving media_root with deploy/nginx/media.conf on a loopback port: its port."""
    workdir = workdir_for("media")
    port = free_port()
    server = replaced(
        MEDIA_CONF.read_text(),
        {
            "/srv/media/": f"{Path(media_root).resolve()}/",
            "listen 8080;": f"listen 127.0.0.1:{port};",
        },
    )
    (workdir / "server.conf").write_text(server)
    (workdir / "nginx.conf").write_text(
        f"""daemon off;
pid {workdir}/nginx.pid;
error_log stderr;
events {{}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/server.conf;
}}
"""
    )
    try:
        with running(
            ["nginx", "-p", str(workdir), "-c", str(workdir / "nginx.conf")], port, workdir, "nginx"
        ):
            yield port
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def varnish(web_port, media_port):
    """varnishd with the repository's VCL on a loopback port, in front of the given backends."""
    workdir = workdir_for("varnish")
    port = free_port()
    vcl = workdir / "default.vcl"
    vcl.write_text(local_vcl(web_port, media_port))
    vcl.chmod(0o644)
    args = ["varnishd", "-F", "-n", str(workdir / "n"), "-f", str(vcl)]
    args += ["-a", f"127.0.0.1:{port}", "-s", "malloc,32M", "-p", "vsl_space=1M"]
    try:
        with running(args, port, workdir, "varnishd"):
            yield port
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
