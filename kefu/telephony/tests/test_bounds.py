"""Input from telephone platforms is bounded: no line can overflow a column, write a roll-up
row for every quarter hour of centuries, or stop an import with a traceback."""

from __future__ import annotations

import gzip
import signal
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit
from kefu.telephony import intervals, queue_log, services
from kefu.telephony.models import (
    Activity,
    Agent,
    AgentDay,
    AgentInterval,
    Call,
    ImportRun,
    Queue,
    QueueDay,
    QueueInterval,
)

T0 = 1_763_596_800  # 2025-11-20 08:00 Asia/Shanghai
ENTER = f"{T0}|b.1|power|NONE|ENTERQUEUE||13800138000|1"


def stored() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Call,
            Queue,
            Agent,
            Activity,
            QueueInterval,
            QueueDay,
            AgentInterval,
            AgentDay,
            ImportRun,
        )
    }


def run_import(path: Path, *args: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("telephony", "import", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


# -- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize("talk", ["1e9", "1e12", "99999999999999999999", "-5"])
def test_a_talk_time_no_call_has_is_refused_and_writes_nothing(
    centre: OrgUnit, tmp_path: Path, talk: str
):
    path = tmp_path / "queue_log"
    path.write_text(f"{T0 + 5}|b.1|power|Agent/1001|COMPLETECALLER|5|{talk}|1\n")
    out, err, error = run_import(path)
    assert error is not None and str(path) in str(error)
    assert f"{path}:1: talk time out of range" in err
    assert '"malformed": 1' in out
    counts = stored()
    assert counts.pop("ImportRun") == 1
    assert set(counts.values()) == {0}, counts
    assert ImportRun.objects.get().errors == [[1, "talk time out of range (0 to 86400 s)"]]


def test_the_hold_time_of_the_issue_refuses_its_line_and_keeps_the_others(
    centre: OrgUnit, tmp_path: Path
):
    path = tmp_path / "queue_log"
    path.write_text(
        "\n".join(
            [
                ENTER,
                f"{T0 + 5}|b.1|power|Agent/1001|COMPLETECALLER|99999999999999999999|5|1",
                f"{T0 + 6}|b.2|power|NONE|ENTERQUEUE||13900139000|2",
                "",
            ]
        )
    )
    report = services.telephony_import(centre=centre, path=path)
    assert (report.lines, report.malformed, report.events) == (3, 1, 2)
    assert report.errors == [(2, "wait time out of range (0 to 86400 s)")]
    assert sorted(Call.objects.values_list("call_id", "outcome")) == [
        ("b.1", "queued"),
        ("b.2", "queued"),
    ]
    assert not AgentInterval.objects.exists()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (f"{T0}|b.1|power|NONE|ENTERQUEUE||138|99999999999999999999", "position out of range"),
        (f"{T0}|b.1|power|Agent/1|CONNECT|5|b.2|1e9", "ring time out of range (0 to 86400 s)"),
        (f"{T0}|b.1|power|Agent/1|RINGNOANSWER|9e15", "ring time out of range (0 to 86400 s)"),
        (f"{T0}|b.1|power|NONE|ABANDON|1|1|86401", "wait time out of range (0 to 86400 s)"),
        (f"{T0}|b.1|{'长' * 5000}|NONE|ENTERQUEUE||138|1", "queue longer than 128 characters"),
        (f"{T0}|{'9' * 65}|power|NONE|ENTERQUEUE||138|1", "call id longer than 64 characters"),
        (f"{T0}|NONE|power|{'A' * 129}|ADDMEMBER|", "agent longer than 128 characters"),
        ("4102444800|b.1|power|NONE|ENTERQUEUE||138|1", "bad time"),  # 2100-01-01
    ],
)
def test_fields_no_real_line_has_make_the_line_malformed(
    centre: OrgUnit, tmp_path: Path, line: str, reason: str
):
    path = tmp_path / "queue_log"
    path.write_text(line + "\n")
    report = services.telephony_import(centre=centre, path=path)
    assert (report.malformed, report.errors) == (1, [(1, reason)])
    counts = stored()
    assert counts.pop("ImportRun") == 1
    assert set(counts.values()) == {0}, counts


def test_a_call_record_longer_than_a_day_is_refused(centre: OrgUnit, tmp_path: Path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "call_id,queue,entered_at,agent,answered_at,ended_at,outcome\n"
        "c.1,power,2026-11-20T08:00:00+08:00,8001,2026-11-20T08:00:10+08:00,"
        "2099-11-20T08:00:00+08:00,answered\n"
        "c.2,power,2026-11-20T08:00:00+08:00,,,,abandoned\n"
        "c.3,power,2026-11-20T08:00:00+08:00,8001,,,answered,5,,1e9\n"
    )
    report = services.telephony_import(centre=centre, path=path, fmt="cdr_csv")
    assert report.errors == [
        (2, "times more than 86400 s apart"),
        (3, "abandoned call without ended_at or wait_seconds"),
        (4, "more cells than columns"),
    ]
    assert not Call.objects.exists() and not AgentInterval.objects.exists()
    path.write_text(
        "call_id,queue,entered_at,outcome,wait_seconds,talk_seconds\n"
        "c.4,power,2026-11-20T08:00:00+08:00,answered,5,1e9\n"
    )
    report = services.telephony_import(centre=centre, path=path, fmt="cdr_csv")
    assert report.errors == [(2, "talk_seconds out of range (0 to 86400 s)")]
    assert not Call.objects.exists()


def test_an_end_read_long_after_the_entry_is_not_that_calls_talk(centre: OrgUnit, tmp_path: Path):
    """Without a talk time, an end's talk is taken from the times; a year later it is not
    the same call, and the roll-ups get no year of talk."""
    path = tmp_path / "queue_log"
    year = 365 * 24 * 3600
    path.write_text(
        f"{ENTER}\n{T0 + 5}|b.1|power|Agent/1|CONNECT|5\n"
        f"{T0 + year}|b.1|power|Agent/1|COMPLETEAGENT\n"
    )
    services.telephony_import(centre=centre, path=path)
    assert set(Call.objects.values_list("talk_seconds", flat=True)) <= {None, 0}
    assert sum(AgentDay.objects.values_list("talk_sum", flat=True)) == 0
    assert AgentInterval.objects.count() <= 2


def test_an_agent_activity_counts_at_most_a_day(centre: OrgUnit, tmp_path: Path):
    path = tmp_path / "queue_log"
    path.write_text(
        "86400|NONE|power|Agent/1|ADDMEMBER|\n"  # 1970-01-02
        "4102358400|NONE|power|Agent/1|REMOVEMEMBER|\n"  # 2099-12-31
    )
    services.telephony_import(centre=centre, path=path)
    activity = Activity.objects.get()
    assert activity.ended_at is not None and activity.ended_at.year == 2099
    assert AgentInterval.objects.count() == 96
    assert sum(AgentDay.objects.values_list("login_sum", flat=True)) == 24 * 3600
    assert services.telephony_rollups_rebuild(centre=centre) == 0
    assert AgentInterval.objects.count() == 96


def test_the_roll_up_split_is_bounded():
    assert len(list(intervals.split(T0, T0 + intervals.MAX_SPAN))) == 192
    with pytest.raises(ValueError, match="longer than"):
        list(intervals.split(T0, T0 + intervals.MAX_SPAN + 1))


def test_queue_log_problem_judges_only_real_fields():
    ok = queue_log.parse_line(f"{T0}|b.1|power|Agent/1|COMPLETECALLER|5|86400|1")
    assert queue_log.problem(ok) == ""
    not_a_number = queue_log.parse_line(f"{T0}|b.1|power|Agent/1|COMPLETECALLER|x|y|z")
    assert queue_log.problem(not_a_number) == ""
    paused = queue_log.parse_line(f"{T0}|NONE|power|Agent/1|PAUSE|99999999999999999999")
    assert queue_log.problem(paused) == ""


# -- the API --------------------------------------------------------------------------------


def event(**fields: Any) -> dict[str, Any]:
    return {"time": T0 + 5, "call_id": "p.1", "queue": "power", "agent": "Agent/1", **fields}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            event(event="COMPLETECALLER", data=["99999999999999999999", "5", "1"]),
            "wait time out of range (0 to 86400 s)",
        ),
        (
            event(event="COMPLETECALLER", data=["5", "1e9", "1"]),
            "talk time out of range (0 to 86400 s)",
        ),
        (event(event="ENTERQUEUE", time=1e300), "bad time"),
        (event(event="ENTERQUEUE", time="1899-12-31T23:59:59+08:00"), "bad time"),
        (event(event="ENTERQUEUE", time="9999-12-31T23:59:59+14:00"), "bad time"),
    ],
)
def test_an_api_event_no_call_has_is_refused_with_its_reason(
    centre: OrgUnit, api_as: Callable[[str], Any], bad: dict[str, Any], reason: str
):
    good = event(event="ENTERQUEUE", call_id="p.2", data=["", "13800138000", "1"])
    response = api_as("admin").post("/api/v1/telephony/events", {"events": [good, bad]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["events"], body["malformed"]) == (1, 1)
    assert body["errors"] == [{"line": 2, "reason": reason}]
    assert list(Call.objects.values_list("call_id", flat=True)) == ["p.2"]
    assert not AgentInterval.objects.exists()


# -- files that cannot be imported ----------------------------------------------------------


def test_a_gzip_file_is_refused_naming_it_and_nothing_is_written(centre: OrgUnit, tmp_path: Path):
    path = tmp_path / "queue_log.gz"
    path.write_bytes(gzip.compress((ENTER + "\n").encode() * 1000))
    _out, _err, error = run_import(path)
    assert error is not None and error.returncode != 0
    assert str(path) in str(error) and "gzip" in str(error)
    assert set(stored().values()) == {0}
    with pytest.raises(Invalid):
        services.telephony_import(centre=centre, path=path)


def test_a_directory_is_refused_naming_it_and_nothing_is_written(centre: OrgUnit, tmp_path: Path):
    for args in ((), ("--follow",)):
        _out, _err, error = run_import(tmp_path, *args)
        assert error is not None and str(tmp_path) in str(error)
    assert set(stored().values()) == {0}


def test_following_gives_the_callers_signal_handlers_back(centre: OrgUnit, tmp_path: Path):
    """The follow mode's own SIGTERM handler only sets a flag: left behind in a process
    that forks a split import later, it kept the pool's parts from ending, and the import
    never returned."""
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    run_import(tmp_path, "--follow")
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_a_call_record_header_without_its_columns_is_refused_before_anything_is_written(
    centre: OrgUnit, tmp_path: Path
):
    path = tmp_path / "calls.csv"
    path.write_text("call_id,entered_at\nc.1,2026-11-20T08:00:00+08:00\n")
    _out, _err, error = run_import(path, "--format", "cdr_csv")
    # "FILE, line 1: …" (in Chinese "FILE 第 1 行：…"), with the columns it lacks.
    assert error is not None and str(error).startswith(str(path))
    assert " 1" in str(error) and "lacks queue, outcome" in str(error)
    assert set(stored().values()) == {0}


def test_a_call_record_date_out_of_range_names_the_file_and_line(centre: OrgUnit, tmp_path: Path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "call_id,queue,entered_at,outcome,wait_seconds\n"
        "\n"
        "c.1,power,9999-12-31T23:59:59+14:00,abandoned,5\n"
        "c.2,power,1899-12-31T23:59:59,abandoned,5\n"
        "c.3,power,2026-11-20T08:00:00+08:00,abandoned,5\n"
    )
    out, err, error = run_import(path, "--format", "cdr_csv")
    assert error is not None and error.returncode != 0 and str(path) in str(error)
    assert f"{path}:3: entered_at out of range" in err
    assert f"{path}:4: entered_at out of range" in err
    assert '"malformed": 2' in out
    assert list(Call.objects.values_list("call_id", flat=True)) == ["c.3"]
