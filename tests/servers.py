"""Real servers for the tests that need one: a free local port (for a server to start on, or a
dependency that is down: nothing listens there), and KAM served by a real gunicorn.

The gunicorn tests (tests/kam/live_site.py and the tests that use it, test_gunicorn.py,
test_backup_restore.py) each build the environment they need and start it through `Gunicorn`."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A port nothing listens on now (bound for a moment to find it, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving kam.wsgi with one worker on a free port, in a process group of its own,
    everything it writes going to `log`."""

    def __init__(self, log: Path, env: dict[str, str], *options: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._output = log.open("w")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", *options, "kam.wsgi", "--workers", "1"),
                *("--bind", f"127.0.0.1:{self.port}", "--no-control-socket"),
            ],
            cwd=ROOT,
            env=env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()}")

    def stop(self, seconds: float = 10) -> str:
        """Stops gunicorn as a deploy does (SIGTERM; killed after `seconds`) and returns
        everything it wrote."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._output.close()
        return self.log.read_text()


def second_connection():
    """A connection of its own to the test database (autocommit), as another process holds one:
    to take a lock or end a session beside the one the test runs in. PostgreSQL only."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    return psycopg.connect(**params, autocommit=True)
