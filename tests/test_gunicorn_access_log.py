"""gunicorn started with the repository's gunicorn.conf.py writes access-log lines without query strings: a token or
key in a URL (password-reset and check-in links, API keys, search terms) never reaches the log (issue 15). Real
requests to a real gunicorn serving the site (a static file through WhiteNoise and a Django view; neither touches the
database), then the log is read. Also: no control socket, which gunicorn 25+ opens by default at
~/.gunicorn/gunicorn.ctl — one path for every gunicorn the user runs on the host."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECRET = "s3cretTOKENvalue42"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.fixture(scope="module")
def gunicorn_log(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),  # where gunicorn would put its default control socket (~/.gunicorn/gunicorn.ctl)
    }
    env.pop("XDG_RUNTIME_DIR", None)
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603  (our own command)
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "lms.wsgi"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if _get(port, "/static/css/site.css") == 200:
                        break
                except OSError:
                    pass
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"gunicorn did not start: {log.read_text()}"
                time.sleep(0.2)
            yield port, log, tmp_path
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_the_access_log_has_paths_but_no_query_strings(gunicorn_log):
    port, log, _home = gunicorn_log
    assert _get(port, f"/static/css/site.css?token={SECRET}&key={SECRET}") == 200
    assert _get(port, f"/favicon.ico?api_key={SECRET}") == 301  # a Django view (a redirect)
    deadline = time.monotonic() + 10
    while "/favicon.ico" not in log.read_text():  # gunicorn writes the line after the response
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    text = log.read_text()
    assert SECRET not in text, text
    assert "token=" not in text and "api_key=" not in text
    lines = [line for line in text.splitlines() if '"GET ' in line]
    assert any('"GET /favicon.ico HTTP/1.1" 301' in line for line in lines), text  # the request was logged, path kept


def test_no_control_socket_shared_with_other_gunicorns_of_the_user(gunicorn_log):
    port, log, home = gunicorn_log
    assert _get(port, "/static/css/site.css") == 200
    assert not (home / ".gunicorn").exists(), list((home / ".gunicorn").iterdir())
    assert "Control socket" not in log.read_text()
