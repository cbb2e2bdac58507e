"""`kefu staffing` (issue 17, point 2), run as the operator runs it: the JSON of the
published worked example, the Chinese table, Erlang A with a patience, and every bad
argument refused in Chinese with exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

EXAMPLE = [
    "--calls", "100", "--interval-minutes", "30", "--aht-seconds", "180", "--target", "0.8",
    "--answer-seconds", "20", "--max-occupancy", "0.85", "--shrinkage", "0.3",
]  # fmt: skip


def kefu(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own interpreter and module)
        [sys.executable, "-m", "kefu.cli", "staffing", *args],
        env={**os.environ, "KEFU_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_worked_example_as_json(tmp_path: Path) -> None:
    """The published example (callcentrehelper.com's Erlang C worked example): 14 agents on
    the phones, 20 scheduled after 30 % shrinkage, service level 0.888."""
    result = kefu(tmp_path, *EXAMPLE, "--format", "json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert list(figures) == [
        "traffic_erlangs", "agents", "scheduled_agents", "prob_wait", "service_level",
        "asa_seconds", "occupancy",
    ]  # fmt: skip
    assert figures["traffic_erlangs"] == 10.0
    assert figures["agents"] == 14
    assert figures["scheduled_agents"] == 20
    assert round(figures["service_level"], 3) == 0.888
    assert round(figures["prob_wait"], 4) == 0.1741
    assert round(figures["asa_seconds"], 1) == 7.8
    assert figures["occupancy"] == pytest.approx(10 / 14)


def test_the_chinese_table_by_default(tmp_path: Path) -> None:
    result = kefu(tmp_path, *EXAMPLE)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()[1:] if line}
    assert result.stdout.splitlines()[0] == "人员需求（Erlang C 模型）"
    assert rows == {
        "话务量（爱尔兰）": "10.00",
        "在线坐席数": "14",
        "排班人数（计入缩减率）": "20",
        "排队概率": "17.4%",
        "服务水平（20": "88.8%",
        "平均应答速度": "秒",
        "占线率": "71.4%",
    }
    assert "平均应答速度             7.8 秒" in result.stdout


def test_a_patience_plans_by_erlang_a_with_its_abandon_rate(tmp_path: Path) -> None:
    result = kefu(tmp_path, *EXAMPLE, "--patience-seconds", "60", "--format", "json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert set(figures) == {
        "traffic_erlangs", "agents", "scheduled_agents", "prob_wait", "service_level",
        "asa_seconds", "occupancy", "abandon_rate",
    }  # fmt: skip
    # Callers who hang up shorten the queue: fewer agents than Erlang C's 14.
    assert figures["agents"] == 11
    assert figures["scheduled_agents"] == 16
    assert figures["service_level"] >= 0.8
    assert 0.05 < figures["abandon_rate"] < 0.2
    text = kefu(tmp_path, *EXAMPLE, "--patience-seconds", "60")
    assert "放弃呼叫占呼入量的比例" in text.stdout
    assert "Erlang A" in text.stdout.splitlines()[0]


def test_impatient_callers_are_called_out(tmp_path: Path) -> None:
    result = kefu(tmp_path, *EXAMPLE, "--patience-seconds", "5")
    assert result.returncode == 0, result.stderr
    assert "注意：将有" in result.stdout
    assert "请安排比此更多的坐席" in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--calls": "-1"}, "--calls -1 超出范围：呼叫量不能为负数。"),
        ({"--target": "1.2"}, "--target 1.2 超出范围：服务水平目标是大于 0、小于 1 的比例"),
        ({"--max-occupancy": "0"}, "--max-occupancy 0 超出范围：最高占线率是大于 0"),
        ({"--shrinkage": "1"}, "--shrinkage 1 超出范围：缩减率是不小于 0、小于 1 的比例"),
        ({"--aht-seconds": "0"}, "平均处理时长应大于 0 秒"),
        ({"--interval-minutes": "0"}, "时段长度应大于 0 分钟"),
        ({"--answer-seconds": "-5"}, "秒数不能为负数"),
        ({"--patience-seconds": "0"}, "来电者的平均耐心时长应大于 0 秒"),
        ({"--calls": "很多"}, "--calls 应是一个数，而不是 很多。"),
        ({"--calls": "nan"}, "--calls 应是一个数，而不是 nan。"),
        ({"--calls": None}, "缺少 --calls：请给出一个数。"),
        ({"--format": "xml"}, "--format 只能是 text 或 json，不能是 xml。"),
        ({"--calls": "1e9"}, "超过了本命令可计算的上限"),
        ({"--bogus": "3"}, "（用法见 kefu staffing --help）"),
    ],
)
def test_bad_arguments_are_refused_in_chinese_with_status_2(
    change: dict[str, str | None], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    options: dict[str, str | None] = dict(zip(EXAMPLE[::2], EXAMPLE[1::2], strict=True))
    options.update(change)
    args = [part for flag, value in options.items() if value is not None for part in (flag, value)]
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("staffing", *args, stdout=out, stderr=err)
    assert exit_.value.code == 2
    # argparse's own refusals are written before call_command's stderr takes over.
    assert message in err.getvalue() + capsys.readouterr().err
    assert out.getvalue() == ""


def test_a_refusal_exits_2_from_the_shell_too(tmp_path: Path) -> None:
    result = kefu(tmp_path, *EXAMPLE[:-2], "--shrinkage", "-0.1", "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "kefu staffing: --shrinkage -0.1 超出范围" in result.stderr
