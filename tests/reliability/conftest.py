"""A real redis-server that a test starts and stops itself (ports 6390–6399, nothing written to disk), so outages are
real: connections refused, not mocks. Tests skip with a reason when `redis-server` is not installed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

PORTS = range(6390, 6400)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class RedisServer:
    def __init__(self, executable: str, port: int, workdir):
        self.executable, self.port, self.workdir = executable, port, workdir
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        assert self.process is None
        self.process = subprocess.Popen(  # noqa: S603  (our own fixed arguments)
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    """A started redis-server of this test's own; `.stop()` / `.start()` make an outage and end it."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (Debian package redis-server); the outage tests need a real one")
    port = next((p for p in PORTS if _port_free(p)), None)
    if port is None:
        pytest.skip("no free port in 6390–6399 for a test redis-server")
    server = RedisServer(executable, port, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cache_on(settings):
    """Point Django's cache at a given Redis (the production backend, lms.cache.FallbackRedisCache)."""

    def use(url: str) -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "lms.cache.FallbackRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "reliability-test",
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5, "RETRY_AFTER": 5},
            }
        }

    return use
