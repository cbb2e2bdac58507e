"""Ingestion into the database: idempotent, tolerant, resumable, and equal to a recomputation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kefu.core.models import OrgUnit
from kefu.customers.models import Customer, CustomerPhone
from kefu.telephony import services, simulator
from kefu.telephony.calls import AGENT_COUNTERS, QUEUE_COUNTERS
from kefu.telephony.models import (
    Activity,
    Agent,
    AgentDay,
    AgentInterval,
    Call,
    FollowCursor,
    ImportRun,
    QueueDay,
    QueueInterval,
)

T0 = 1_763_596_800  # 2025-11-20 08:00 Asia/Shanghai

LOG = "\n".join(
    [
        f"{T0 - 600}|NONE|power|Agent/1001|ADDMEMBER|",
        f"{T0 - 600}|NONE|power|Agent/1002|ADDMEMBER|",
        f"{T0 + 10}|1763596810.1|power|NONE|ENTERQUEUE||13800138000|1",
        f"{T0 + 14}|1763596810.1|power|Agent/1001|RINGNOANSWER|4000",
        f"{T0 + 22}|1763596810.1|power|Agent/1002|CONNECT|12|1763596822.2|3",
        f"{T0 + 142}|1763596810.1|power|Agent/1002|COMPLETECALLER|12|120|1",
        f"{T0 + 142}|NONE|power|Agent/1002|PAUSE|ACW",
        f"{T0 + 172}|NONE|power|Agent/1002|UNPAUSE|ACW",
        f"{T0 + 30}|1763596830.3|power|NONE|ENTERQUEUE||13900139000|2",
        f"{T0 + 33}|1763596830.3|power|NONE|ABANDON|2|2|3",
        f"{T0 + 40}|1763596840.4|power|NONE|ENTERQUEUE||13700137000|1",
        f"{T0 + 95}|1763596840.4|power|NONE|ABANDON|1|1|55",
        f"{T0 + 50}|1763596850.5|power|NONE|ENTERQUEUE||13600136000|1",
        f"{T0 + 80}|1763596850.5|power|Agent/1001|CONNECT|30|1763596880.6|2",
        f"{T0 + 380}|1763596850.5|power|Agent/1001|TRANSFER|8001|from-internal|30|300|1",
        f"{T0 + 1000}|NONE|power|Agent/1001|REMOVEMEMBER|",
        f"{T0 + 2000}|1763598800.7|power|NONE|ENTERQUEUE||13500135000|1",
        "",
    ]
)


def snapshot() -> dict[str, Any]:
    """Every stored row that ingestion writes, in a comparable form."""

    def rows(model: Any, key: tuple[str, ...], counters: tuple[str, ...] = ()) -> list[Any]:
        return sorted(model.objects.values_list(*key, *counters))

    return {
        "calls": rows(
            Call,
            (
                "call_id",
                "queue__name",
                "entered_at",
                "outcome",
                "agent__name",
                "wait_seconds",
                "talk_seconds",
                "ring_seconds",
                "customer_id",
            ),
        ),
        "activities": rows(Activity, ("agent__name", "kind", "started_at", "ended_at")),
        "queue_intervals": rows(QueueInterval, ("queue__name", "start"), QUEUE_COUNTERS),
        "queue_days": rows(QueueDay, ("queue__name", "day"), QUEUE_COUNTERS),
        "agent_intervals": rows(AgentInterval, ("agent__name", "start"), AGENT_COUNTERS),
        "agent_days": rows(AgentDay, ("agent__name", "day"), AGENT_COUNTERS),
    }


def rollups() -> dict[str, Any]:
    return {key: value for key, value in snapshot().items() if key not in ("calls", "activities")}


def day_totals(counter: str) -> int:
    return sum(QueueDay.objects.values_list(counter, flat=True))


def agent_day(agent: str, *counters: str) -> tuple[int, ...]:
    return tuple(AgentDay.objects.filter(agent__name=agent).values_list(*counters).get())


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "queue_log"
    path.write_text(LOG)
    return path


def test_a_queue_log_becomes_calls_activities_and_roll_ups(centre: OrgUnit, log_file: Path):
    report = services.telephony_import(centre=centre, path=log_file)
    assert report.malformed == 0 and report.lines == 17
    assert Call.objects.count() == 5
    assert day_totals("offered") == 5
    assert day_totals("answered") == 2
    assert day_totals("abandoned") == 2
    assert day_totals("abandoned_wait_3") == 1  # the 3-second abandon: 3 s or less
    assert day_totals("transferred") == 1
    assert day_totals("answered_wait_15") == 1  # 12 s
    assert day_totals("answered_wait_30") == 1  # 30 s, not within 20
    assert day_totals("wait_answered_sum") == 42
    assert day_totals("talk_sum") == 420
    first = QueueInterval.objects.filter(start=dt.datetime.fromtimestamp(T0, dt.UTC))
    assert first.values_list("offered", flat=True).get() == 4  # the fifth came 30 min later
    assert agent_day("Agent/1002", "answered", "talk_sum", "acw_sum", "acw_count") == (
        1,
        120,
        30,
        1,
    )
    assert agent_day("Agent/1001", "login_sum", "missed") == (1600, 1)
    # Agent/1002 is still logged in at the end of the data: open, counting nothing yet.
    assert Activity.objects.get(agent__name="Agent/1002", kind="login").ended_at is None
    assert agent_day("Agent/1002", "login_sum") == (0,)
    run = ImportRun.objects.get()
    assert (run.lines, run.malformed, run.finished_at is not None) == (17, 0, True)


def test_importing_the_same_file_twice_changes_nothing(centre: OrgUnit, log_file: Path):
    services.telephony_import(centre=centre, path=log_file)
    first = snapshot()
    services.telephony_import(centre=centre, path=log_file, batch_lines=3)
    assert snapshot() == first


def test_roll_ups_equal_a_recomputation_from_the_stored_calls(centre: OrgUnit, log_file: Path):
    services.telephony_import(centre=centre, path=log_file, batch_lines=4)
    incremental = rollups()
    services.telephony_rollups_rebuild(centre=centre)
    assert rollups() == incremental


def test_the_command_rebuilds_roll_ups_counted_the_old_way(centre: OrgUnit, log_file: Path):
    """An upgrade that changes how the roll-ups count (short abandons became "the threshold
    or less", 002 第7篇) is applied to stored data by `kefu telephony rebuild`."""
    from io import StringIO

    from django.core.management import call_command

    services.telephony_import(centre=centre, path=log_file)
    incremental = rollups()
    # The 3-second abandon as the old buckets counted it: "under 5", not "3 or less".
    QueueDay.objects.filter(abandoned_wait_3=1).update(abandoned_wait_3=0, abandoned_wait_5=1)
    assert rollups() != incremental
    out = StringIO()
    call_command("telephony", "rebuild", stdout=out)
    assert '"calls": 5' in out.getvalue()
    assert rollups() == incremental


def test_a_file_cut_mid_line_then_read_whole_counts_each_call_once(
    centre: OrgUnit, log_file: Path, tmp_path: Path
):
    services.telephony_import(centre=centre, path=log_file)
    whole = snapshot()
    Call.objects.all().delete()
    Activity.objects.all().delete()
    for model in (QueueInterval, QueueDay, AgentInterval, AgentDay):
        model.objects.all().delete()
    cut = tmp_path / "cut"
    data = LOG.encode()
    # Inside the COMPLETECALLER line: "…|COMPLETECALLER|12|1" would read as 1 s of talk.
    cut.write_bytes(data[: data.index(b"|12|120|1") + 5])
    report = services.telephony_import(centre=centre, path=cut)
    assert report.lines == 5  # the unfinished sixth line is left for later
    services.telephony_import(centre=centre, path=log_file)
    assert snapshot() == whole


def test_garbage_lines_are_counted_and_reported_never_fatal(centre: OrgUnit, tmp_path: Path):
    path = tmp_path / "queue_log"
    path.write_bytes(
        LOG.encode()
        + b"this is not a queue_log line\n"
        + b"\x00\x00\x00\x00\n"
        + f"{T0 + 3000}|x.1|power|NONE|NOSUCHEVENT|1\n".encode()
        + b"abc|1.1|power|NONE|ENTERQUEUE||1|1\n"
        + f"{T0 + 3100}|9.9|power|NONE|ENTERQUEUE||13100131000|1\n".encode()
    )
    report = services.telephony_import(centre=centre, path=path)
    assert report.malformed == 2
    assert report.ignored == 1
    assert {reason for _, reason in report.errors} >= {"unknown event NOSUCHEVENT"}
    assert Call.objects.count() == 6
    run = ImportRun.objects.get()
    assert run.malformed == 2 and run.ignored == 1 and len(run.errors) == 3


def test_follow_mode_survives_a_restart_without_loss_or_double_counting(
    centre: OrgUnit, log_file: Path, tmp_path: Path
):
    services.telephony_import(centre=centre, path=log_file)
    whole = snapshot()
    Call.objects.all().delete()
    Activity.objects.all().delete()
    for model in (QueueInterval, QueueDay, AgentInterval, AgentDay):
        model.objects.all().delete()

    growing = tmp_path / "growing"
    data = LOG.encode()
    middle = data.index(b"COMPLETECALLER") + 4
    growing.write_bytes(data[:middle])
    services.telephony_follow(
        centre=centre, path=growing, poll_seconds=0.01, idle_limit=0.05, batch_lines=2
    )
    cursor = FollowCursor.objects.get()
    assert cursor.offset == data.rindex(b"\n", 0, middle) + 1  # up to the last whole line
    # The process stops; the platform writes the rest; a new process follows again.
    growing.write_bytes(data)
    services.telephony_follow(centre=centre, path=growing, poll_seconds=0.01, idle_limit=0.05)
    assert FollowCursor.objects.get().offset == len(data)
    assert snapshot() == whole
    # Nothing new: a third run reads nothing and changes nothing.
    report = services.telephony_follow(
        centre=centre, path=growing, poll_seconds=0.01, idle_limit=0.05
    )
    assert report.lines == 0 and snapshot() == whole


def test_follow_reads_a_rotated_file_from_its_start(centre: OrgUnit, log_file: Path):
    services.telephony_follow(centre=centre, path=log_file, poll_seconds=0.01, idle_limit=0.05)
    rotated = f"{T0 + 5000}|r.1|power|NONE|ENTERQUEUE||13300133000|1\n"
    log_file.write_text(rotated)
    services.telephony_follow(centre=centre, path=log_file, poll_seconds=0.01, idle_limit=0.05)
    assert Call.objects.filter(call_id="r.1").exists()
    assert FollowCursor.objects.get().offset == len(rotated)


def test_callers_are_matched_to_customers_and_agents_to_users(
    centre: OrgUnit, log_file: Path, users: dict[str, Any]
):
    customer = Customer.objects.create(centre=centre, name="李四")
    CustomerPhone.objects.create(customer=customer, number="13800138000", kind="mobile")
    agent = users["agent"]
    agent.employee_number = "1002"
    agent.save(update_fields=["employee_number"])
    services.telephony_import(centre=centre, path=log_file)
    assert Call.objects.get(call_id="1763596810.1").customer == customer
    assert Agent.objects.get(name="Agent/1002").user == agent


def test_a_simulated_day_imports_idempotently_and_equals_its_recomputation(
    centre: OrgUnit, tmp_path: Path
):
    path = tmp_path / "sim"
    simulator.write(
        path,
        start=dt.date(2026, 11, 20),
        days=1,
        queues=["power", "billing"],
        agents=[f"Agent/{n}" for n in range(1001, 1009)],
        tz=ZoneInfo("Asia/Shanghai"),
        seed=7,
        calls_per_day=600,
    )
    report = services.telephony_import(centre=centre, path=path, batch_lines=1000)
    assert report.malformed == 0 and report.ignored == 0
    offered = day_totals("offered")
    assert 450 < offered < 750
    first = snapshot()
    services.telephony_import(centre=centre, path=path, batch_lines=777)
    assert snapshot() == first
    services.telephony_rollups_rebuild(centre=centre)
    assert snapshot() == first


def test_cdr_csv_records_carry_hold_and_after_call_work(centre: OrgUnit, tmp_path: Path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "call_id,queue,entered_at,caller_number,agent,answered_at,ended_at,outcome,"
        "wait_seconds,ring_seconds,talk_seconds,hold_seconds,acw_seconds,transferred\n"
        "a1,power,2026-11-20T08:00:00+08:00,13800138000,8001,2026-11-20T08:00:15+08:00,"
        "2026-11-20T08:05:15+08:00,answered,15,4,300,20,40,false\n"
        "a2,power,2026-11-20T08:01:00+08:00,13900139000,,,2026-11-20T08:01:30+08:00,"
        "abandoned,30,,,,,false\n"
        "broken,row\n"
    )
    report = services.telephony_import(centre=centre, path=path, fmt="cdr_csv")
    assert report.malformed == 1
    assert day_totals("offered") == 2 and day_totals("answered") == 1
    assert day_totals("hold_sum") == 20 and day_totals("acw_sum") == 40
    assert AgentDay.objects.values_list("talk_sum", "hold_sum", "acw_sum", "acw_count").get() == (
        300,
        20,
        40,
        1,
    )
    first = snapshot()
    services.telephony_import(centre=centre, path=path, fmt="cdr_csv")
    assert snapshot() == first


def test_the_realtime_table_layout_reads_like_the_file(centre: OrgUnit, tmp_path: Path):
    path = tmp_path / "queue_log.csv"
    path.write_text(
        "time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
        "2026-11-20 08:00:10,t.1,power,NONE,ENTERQUEUE,,13800138000,1,,\n"
        "2026-11-20 08:00:25,t.1,power,Agent/1001,CONNECT,15,t.2,3,,\n"
        "2026-11-20 08:02:25,t.1,power,Agent/1001,COMPLETEAGENT,15,120,1,,\n"
    )
    services.telephony_import(centre=centre, path=path, fmt="queue_log_table")
    call = Call.objects.get()
    assert call.entered_at == dt.datetime(2026, 11, 20, 0, 0, 10, tzinfo=dt.UTC)
    assert (call.outcome, call.wait_seconds, call.talk_seconds) == ("completed_agent", 15, 120)


@pytest.mark.django_db(transaction=True)
def test_an_import_split_over_processes_counts_what_one_process_counts(
    centre: OrgUnit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Outside a caller's transaction a large file is folded by several processes, each
    taking its part of the calls and agents: the rows are those of a single process."""
    path = tmp_path / "sim"
    simulator.write(
        path,
        start=dt.date(2026, 11, 20),
        days=1,
        queues=["power", "billing"],
        agents=[f"Agent/{n}" for n in range(1001, 1007)],
        tz=ZoneInfo("Asia/Shanghai"),
        seed=11,
        calls_per_day=400,
    )
    monkeypatch.setattr(services, "PARALLEL_BYTES", 0)
    report = services.telephony_import(centre=centre, path=path, batch_lines=300, workers=2)
    assert report.malformed == 0 and report.calls > 300
    split = snapshot()
    services.telephony_rollups_rebuild(centre=centre)
    assert snapshot() == split
    for model in (Call, Activity, QueueInterval, QueueDay, AgentInterval, AgentDay):
        model.objects.all().delete()
    alone = services.telephony_import(centre=centre, path=path, batch_lines=1000, workers=1)
    assert snapshot() == split
    assert (alone.lines, alone.events) == (report.lines, report.events)
