"""The benchmarks leave nothing behind (issue 15, point 27c): their data directory under the
temporary directory (871 MB after one knowledge-search run) goes when they end, however
they end, and a PostgreSQL database they filled is empty again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]

# A benchmark in small: the harness's environment, something written where a benchmark
# writes, then an end of the kind asked for.
SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    sys.path.insert(0, {bench!r})
    from harness import bench_env

    url = sys.argv[2] or None
    env = bench_env("test", url)
    (__import__("pathlib").Path(env["KEFU_DATA_DIR"]) / "kefu.sqlite3").write_bytes(b"x" * 4096)
    if url:
        import psycopg
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("CREATE TABLE bench_orders (id serial PRIMARY KEY, title text)")
            # Identity columns own their sequences, as Django's do: dropped with the table.
            db.execute("CREATE TABLE django_migrations (id bigint GENERATED ALWAYS AS IDENTITY)")
            db.execute("CREATE FUNCTION bench_mark() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    print(env["KEFU_DATA_DIR"], flush=True)
    end = sys.argv[1]
    if end == "error":
        raise RuntimeError("a benchmark failing half-way")
    if end == "wait":
        time.sleep(60)
    """
)


def _database_url() -> Iterator[str | None]:
    yield None
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        yield (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}_bench_cleanup_test"
        )


def _test_database() -> str:
    from django.db import connection

    return str(connection.settings_dict["NAME"])


@pytest.fixture
def empty_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """A database of its own for the PostgreSQL case, made and dropped around the test."""
    url = request.param
    if url is None:
        yield None
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables_and_routines(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute(
            "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') + "
            "(SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public')"
        ).fetchone()
    return int(row[0]) if row else 0


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.django_db
@pytest.mark.parametrize("empty_database", list(_database_url()), indirect=True)
@pytest.mark.parametrize("end", ["done", "error", "SIGINT", "SIGTERM"])
def test_a_benchmark_leaves_no_data_behind_however_it_ends(
    tmp_path: Path, end: str, empty_database: str | None
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    script = tmp_path / "bench_small.py"
    script.write_text(SCRIPT.format(bench=str(ROOT / "bench")))
    env = {**os.environ, "TMPDIR": str(temporary)}
    how = "wait" if end.startswith("SIG") else end
    bench = subprocess.Popen(  # noqa: S603 - our interpreter, our script
        [sys.executable, str(script), how, empty_database or ""],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a suite run as a background job hands its children SIGINT
        # ignored, and Python then never turns it into KeyboardInterrupt.
        preexec_fn=_interruptible,
    )
    assert bench.stdout is not None
    data_dir = Path(bench.stdout.readline().strip())
    assert data_dir.parent == temporary
    if end.startswith("SIG"):
        assert data_dir.is_dir() and (data_dir / "kefu.sqlite3").exists()
        if empty_database:
            assert _tables_and_routines(empty_database) == 3
        bench.send_signal(getattr(signal, end))
    bench.wait(timeout=30)
    assert (bench.returncode == 0) == (end == "done")
    assert not data_dir.exists()
    assert list(temporary.iterdir()) == []
    if empty_database:
        assert _tables_and_routines(empty_database) == 0
        # Emptying a database afterwards must never cost anyone's data: one that holds
        # tables (this test's own) is refused before anything is made.
        sys.path.insert(0, str(ROOT / "bench"))
        from harness import bench_env

        with pytest.raises(SystemExit, match="not empty"):
            bench_env("refused", empty_database.rsplit("/", 1)[0] + "/" + _test_database())


def test_the_transcript_check_benchmark_runs_in_small() -> None:
    """bench/qa.py (issue 18: transcript checks a second per core for 5-minute calls) in
    small: a few calls, one pass; its report holds the figures the closing note quotes."""
    done = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, str(ROOT / "bench" / "qa.py"), "--calls", "12", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["calls"] == 12
    assert 295 <= report["call_seconds_mean"] <= 320
    assert report["sentences_per_call_mean"] > 30
    assert report["hits_per_call_mean"] > 0
    assert report["checks_per_second_per_core"] > 0
    assert report["check_only_per_second_per_core"] > 0
    assert report["target_checks_per_second_per_core"] == 500


def test_the_qa_pages_benchmark_runs_in_small() -> None:
    """bench/qa_pages.py (issue 18: the QA queue and score pages at p95 under 150 ms with
    two months of data for 500 agents) in small: its report holds the figures the closing
    note quotes, and every page answered."""
    done = subprocess.run(  # noqa: S603 - our interpreter, our script
        [
            sys.executable,
            str(ROOT / "bench" / "qa_pages.py"),
            *("--agents", "8", "--per-day", "2", "--requests", "5"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["agents"] == 8 and report["scores"] == 80
    assert set(report["pages"]) == {"queue", "scoring_page", "score", "results"}
    assert all(page["errors"] == 0 for page in report["pages"].values())
    assert report["target_p95_ms"] == 150.0
