"""Real Celery worker (and beat) processes for tests that need them (REDIS_URL set, as in CI).

`worker` starts one worker on a private queue; `workers` is a factory for several workers
with extra environment (an SMTP sink's port, a short lease) that a test may kill with
SIGKILL to inject a crash. Every process is stopped at the end of the test.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings


def wait_for(predicate, seconds=30):
    """Poll `predicate` until it is true (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _database_url():
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":  # the test database is a file (see settings)
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _require_redis():
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set on CI: the worker test must run there.")
        pytest.skip("REDIS_URL not set: the real-worker test needs Redis (CI sets it).")
    return redis_url


class Processes:
    """Worker and beat processes of one test, all on one private queue."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
        self.procs = []

    def env(self, extra):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.tmp_path / "mail"),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DATABASE_URL": _database_url(),  # the test database, not the development one
            "CELERY_DEFAULT_QUEUE": self.queue,
            **(extra or {}),
        }

    def _start(self, args, env, name):
        log = open(self.tmp_path / f"{name}-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=settings.BASE_DIR, env=self.env(env), stdout=log, stderr=subprocess.STDOUT,
        )
        proc.log_path = log.name
        self.procs.append(proc)
        return proc

    def worker(self, env=None):
        return self._start(["worker", "--pool=solo", "--loglevel=WARNING", "-Q", self.queue,
                            "--without-gossip", "--without-mingle", "--without-heartbeat",
                            "-n", f"w{len(self.procs)}-{self.queue}@%h"], env, "worker")

    def beat(self, env=None):
        schedule = self.tmp_path / f"beat-{len(self.procs)}"
        return self._start(["beat", "--loglevel=WARNING", "-s", str(schedule)], env, "beat")

    @staticmethod
    def kill(proc):
        """SIGKILL: no clean-up, no acknowledgement; what a crash or the OOM killer does."""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def workers(tmp_path):
    """A factory: `workers.worker(env={...})`, `workers.beat()`, `workers.kill(proc)`."""
    _require_redis()
    processes = Processes(tmp_path)
    yield processes
    processes.stop_all()


@pytest.fixture
def worker(workers):
    """One real worker on a private queue: {"queue", "mail_dir", "proc"}."""
    proc = workers.worker()
    return {"queue": workers.queue, "mail_dir": workers.tmp_path / "mail", "proc": proc}
