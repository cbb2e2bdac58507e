"""`kefu`: the operator's command.

`serve` runs gunicorn and the background worker together, each supervised on its own
(kefu/serving.py); every other subcommand is a Django management command (`kefu migrate`,
`kefu worker`, `kefu demo`, `kefu calendar add …`).
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence

from kefu.serving import Worker, die_with_supervisor, supervise


def web_workers() -> int:
    # The work is CPU-bound Python: processes, not threads, use the cores, and a few
    # threads per process only cover waits on the database (measured in bench/api.py).
    return int(os.environ.get("KEFU_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))


def web_threads() -> int:
    return int(os.environ.get("KEFU_WEB_THREADS", "2"))


def port_taken(host: str, port: int) -> str:
    """An error for the operator when ``host:port`` cannot be listened on, else ""."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return (
                f"kefu: 端口 {port} 已被占用，请换一个端口（make run PORT={port + 1} 或 "
                f"KEFU_PORT={port + 1}）。Port {port} is already in use: choose another one "
                f"(make run PORT={port + 1} or KEFU_PORT={port + 1})."
            )
        return (
            f"kefu: 无法监听 {host}:{port}（{error.strerror}）。"
            f"Cannot listen on {host}:{port}: {error.strerror}."
        )
    return ""


def wait_listening(web: subprocess.Popen[bytes], host: str, port: int) -> bool:
    """Wait until the web server accepts connections (True) or exits (False)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if web.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return web.poll() is None


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")


def served_centres() -> str:
    """Which centre this installation serves, said once as kefu starts."""
    _setup()
    import django

    django.setup()
    from django.db import DatabaseError, connections
    from django.utils.translation import gettext as _

    from kefu.centre import existing_centres

    try:
        centres = existing_centres()
    except DatabaseError:
        return _(
            "The database is not set up yet: kefu init sets up a centre (make run loads the "
            "demo centre)."
        )
    finally:
        connections.close_all()
    if not centres:
        return _(
            "There is no centre yet: start one with `kefu init` (or load the demo with "
            "`kefu demo`)."
        )
    return _("Serving %(centres)s.") % {
        "centres": "、".join(f"「{centre.name}」" for centre in centres)
    }


def serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="kefu serve", description="Serve kefu with its worker.")
    parser.add_argument("--host", default=os.environ.get("KEFU_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("KEFU_PORT", "8000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=web_workers(),
        help="gunicorn worker processes",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=web_threads(),
        help="threads per gunicorn worker",
    )
    parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
    parser.add_argument(
        "--check-port", action="store_true", help="only say whether the port is free"
    )
    args = parser.parse_args(argv)
    taken = port_taken(args.host, args.port)
    if taken:
        print(taken, file=sys.stderr, flush=True)
        return 1
    if args.check_port:
        return 0
    _setup()
    env = dict(os.environ)
    python = sys.executable
    subprocess.run(  # noqa: S603  (our own interpreter and module)
        [python, "-m", "kefu.cli", "collectstatic", "--no-input", "-v0"], check=True
    )
    # Once per start, not with every command: whether the official holiday calendar
    # covers the coming weeks (kefu.W001; administrators also see it as a banner).
    subprocess.run(  # noqa: S603
        [python, "-m", "kefu.cli", "check", "--deploy", "--tag", "kefu", "-v0"], check=False
    )
    centres = served_centres()
    web = subprocess.Popen(  # noqa: S603
        [
            python,
            "-m",
            "gunicorn",
            "kefu.wsgi:application",
            f"--bind={args.host}:{args.port}",
            f"--workers={args.workers}",
            "--worker-class=gthread",
            f"--threads={args.threads}",
            "--access-logfile=-",
            "--timeout=60",
        ],
        env=env,
        preexec_fn=die_with_supervisor,
    )
    if not wait_listening(web, args.host, args.port):
        # gunicorn said why on its own; nothing claims that kefu is serving.
        return web.wait() or 1
    worker = None if args.no_worker else Worker([python, "-m", "kefu.cli", "worker"], env)
    print(centres, flush=True)
    print(f"kefu is serving on http://{args.host}:{args.port}/", flush=True)
    # The web server keeps serving when the worker dies; the worker is restarted.
    return supervise(web, worker)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        return serve(args[1:])
    if args and args[0] == "simulate-calls":
        args = ["simulate_calls", *args[1:]]
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kefu", *args])
    if args and args[0] == "migrate":
        # The shared cache (rate limits) lives in a table of its own when Redis is not used.
        execute_from_command_line(["kefu", "createcachetable", "--verbosity=0"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
