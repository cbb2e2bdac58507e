"""`kefu`: the operator's command.

`serve` runs gunicorn and the background worker together, each supervised on its own
(kefu/serving.py); every other subcommand is a Django management command (`kefu migrate`,
`kefu worker`, `kefu demo`, `kefu calendar add …`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence

from kefu.serving import Worker, die_with_supervisor, supervise


def web_workers() -> int:
    # The work is CPU-bound Python: processes, not threads, use the cores, and a few
    # threads per process only cover waits on the database (measured in bench/api.py).
    return int(os.environ.get("KEFU_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))


def web_threads() -> int:
    return int(os.environ.get("KEFU_WEB_THREADS", "2"))


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")


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
    args = parser.parse_args(argv)
    _setup()
    env = dict(os.environ)
    python = sys.executable
    subprocess.run(  # noqa: S603  (our own interpreter and module)
        [python, "-m", "kefu.cli", "collectstatic", "--no-input", "-v0"], check=True
    )
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
    worker = None if args.no_worker else Worker([python, "-m", "kefu.cli", "worker"], env)
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
