#!/usr/bin/env python
"""Serve the platform for development: Django on RUN_ADDR (default 127.0.0.1:8000), plus a
real Celery worker and beat.

Links in emails, QR codes and calendar feeds are built from SITE_URL; unless it is set, the
three processes get SITE_URL for the address served here (`site_url_for`), so that
`RUN_ADDR=0.0.0.0:8001 make run` sends links that reach port 8001 from another device.

Without REDIS_URL the worker and beat talk through kombu's filesystem transport (var/celery).
Ctrl+C stops all three.
"""

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_ADDR = "127.0.0.1:8000"
ANY_ADDRESS = {"0", "0.0.0.0", "::"}  # noqa: S104 - names the "every interface" bind


def _split(addr):
    """(host, port) of runserver's `addrport` argument: "8001", "host:8001", "[::1]:8001"."""
    addr = addr.strip()
    if addr.isdigit():
        return "127.0.0.1", addr
    host, _, port = addr.rpartition(":")
    return host.strip("[]") or "127.0.0.1", port or "8000"


def _outward_ip():
    """This machine's address on its network (what a tablet on the same network reaches); no
    packet is sent: connecting a UDP socket only picks the route."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))   # TEST-NET-1, never routed anywhere
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def site_url_for(addr):
    """The SITE_URL for a dev server bound to `addr`: its host and port; a server listening on
    every interface is reached at this machine's network address."""
    host, port = _split(addr)
    if host in ANY_ADDRESS:
        host = _outward_ip()
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a name, e.g. localhost
    return f"http://{host}:{port}"


def child_env(environ):
    """The environment of the web server, worker and beat: SITE_URL follows RUN_ADDR unless
    it is given."""
    env = dict(environ)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = site_url_for(env.get("RUN_ADDR") or DEFAULT_ADDR)
    return env


def commands(addr):
    return {
        "worker": [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
                   "--concurrency=2", "--without-gossip", "--without-mingle"],
        "beat": [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"],
        "web": [sys.executable, "manage.py", "runserver", addr],
    }


def main():
    addr = os.environ.get("RUN_ADDR") or DEFAULT_ADDR
    env = child_env(os.environ)
    procs = {}
    for name, command in commands(addr).items():
        procs[name] = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - fixed commands
    print(f"\nServing on http://{addr}/ with a Celery worker and beat; links in emails use "
          f"{env['SITE_URL']}. Ctrl+C stops.\n", flush=True)

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
