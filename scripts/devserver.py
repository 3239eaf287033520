#!/usr/bin/env python
"""Serve the platform for development: Django on :8000, plus a real Celery worker and beat.

Without REDIS_URL the worker and beat talk through kombu's filesystem transport (var/celery).
Ctrl+C stops all three.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADDR = os.environ.get("RUN_ADDR", "127.0.0.1:8000")

COMMANDS = {
    "worker": [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
               "--concurrency=2", "--without-gossip", "--without-mingle"],
    "beat": [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"],
    "web": [sys.executable, "manage.py", "runserver", ADDR],
}


def main():
    procs = {}
    for name, command in COMMANDS.items():
        procs[name] = subprocess.Popen(command, cwd=ROOT)  # noqa: S603 - fixed commands
    print(f"\nServing on http://{ADDR}/ with a Celery worker and beat. Ctrl+C stops.\n",
          flush=True)

    def stop(*_):
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} exited with code {proc.returncode}; stopping.", flush=True)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
