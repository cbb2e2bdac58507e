"""`kefu qa check FILE --format json` (issue 18, point 7), run as the operator runs it: the
documented JSON of hits and score, the Chinese listing, a vendor result, an edited rule
set, and a malformed file refused in Chinese with its position and exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from kefu.quality import checks

EXAMPLES = Path(checks.__file__).parent / "examples"
CALL = {
    "sentences": [
        {"speaker": "agent", "start": 0.0, "end": 2.0, "text": "喂，说话呀！"},
        {"speaker": "customer", "start": 2.5, "end": 5.0, "text": "我家停电了，你们什么态度！"},
        {"speaker": "agent", "start": 5.5, "end": 7.0, "text": "户号多少？"},
        {"speaker": "customer", "start": 7.5, "end": 9.0, "text": "3201060988。"},
        {"speaker": "agent", "start": 30.0, "end": 33.0, "text": "查到了，OK，再见。"},
    ]
}


def kefu(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own interpreter and module)
        [sys.executable, "-m", "kefu.cli", "qa", *args],
        env={**os.environ, "KEFU_DATA_DIR": str(tmp_path)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, data: object, name: str = "call.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_the_documented_json_of_hits_and_score(tmp_path: Path) -> None:
    result = kefu(tmp_path, "check", str(write(tmp_path, CALL)), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "hits": [
            {"rule": "greeting_missing", "sentence": 0, "start": 0.0, "text": "喂，说话呀！"},
            {"rule": "forbidden_phrase", "sentence": 0, "start": 0.0, "text": "喂，说话呀！"},
            {
                "rule": "anger_no_apology",
                "sentence": 1,
                "start": 2.5,
                "text": "我家停电了，你们什么态度！",
            },
            {
                "rule": "forbidden_phrase",
                "sentence": 4,
                "start": 30.0,
                "text": "查到了，OK，再见。",
            },
            {"rule": "hold_no_ask", "sentence": 4, "start": 30.0, "text": "查到了，OK，再见。"},
            {"rule": "hold_no_thanks", "sentence": 4, "start": 30.0, "text": "查到了，OK，再见。"},
        ],
        "score": 100 - 10 - 2 * 5 - 10 - 5 - 5,
    }


def test_every_example_through_the_command(tmp_path: Path) -> None:
    """The shipped examples, as files on disk, give the families the rule tests expect."""
    for family, kinds in checks.examples().items():
        for path in kinds["positive"][:1] + kinds["negative"][:1]:
            out = StringIO()
            call_command("qa", "check", str(path), "--format", "json", stdout=out)
            rules = {hit["rule"] for hit in json.loads(out.getvalue())["hits"]}
            assert rules == ({family} if path.name.startswith("positive") else set()), path


def test_the_chinese_listing_by_default(tmp_path: Path) -> None:
    result = kefu(tmp_path, "check", str(write(tmp_path, CALL)))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "得分 60（5 句中命中 6 处）"
    assert (
        lines[1] == "#0（0 秒，客服代表）：开头语缺失：客服代表的前两句没有问候语 「喂，说话呀！」"
    )
    assert (
        "#4（30 秒，客服代表）：使用禁语（切忌 / 不可以说）〔OK〕 「查到了，OK，再见。」" in lines
    )


def test_a_vendor_result_and_standard_input(tmp_path: Path) -> None:
    aliyun = {
        "StatusText": "SUCCESS",
        "Result": {
            "Sentences": [
                {"BeginTime": 0, "EndTime": 2000, "Text": "喂？", "ChannelId": 1},
                {"BeginTime": 2500, "EndTime": 5000, "Text": "您好，请讲。", "ChannelId": 0},
                {
                    "BeginTime": 5500,
                    "EndTime": 8000,
                    "Text": "感谢您的来电，再见！",
                    "ChannelId": 0,
                },
            ]
        },
    }
    path = write(tmp_path, aliyun, "aliyun.json")
    agent_on_0 = kefu(tmp_path, "check", str(path), "--format", "json", "--from", "aliyun")
    assert json.loads(agent_on_0.stdout) == {"hits": [], "score": 100}
    agent_on_1 = kefu(tmp_path, "check", "-", "--format", "json", "--agent-channel", "1",
                      stdin=path.read_text(encoding="utf-8"))  # fmt: skip
    # Now the agent said only “喂？”: no greeting, a forbidden word, no closing.
    assert [hit["rule"] for hit in json.loads(agent_on_1.stdout)["hits"]] == [
        "greeting_missing",
        "closing_missing",
        "forbidden_phrase",
    ]


def test_an_edited_rule_set(tmp_path: Path) -> None:
    rules = {
        "rules": [
            {
                "id": "no_ok",
                "family": "foreign_words",
                "points": 30,
                "logic": "ok",
                "conditions": {"ok": {"operator": "keyword", "speaker": "agent", "words": ["OK"]}},
            }
        ]
    }
    result = kefu(tmp_path, "check", str(write(tmp_path, CALL)), "--format", "json",
                  "--rules", str(write(tmp_path, rules, "rules.json")))  # fmt: skip
    assert json.loads(result.stdout) == {
        "hits": [
            {"rule": "foreign_words", "sentence": 4, "start": 30.0, "text": "查到了，OK，再见。"}
        ],
        "score": 70,
    }


def test_the_default_rules_printed_edited_and_given_back(tmp_path: Path) -> None:
    out = StringIO()
    call_command("qa", "rules", stdout=out)
    rules = json.loads(out.getvalue())
    assert [rule["family"] for rule in rules["rules"]][:3] == [
        "greeting_missing",
        "closing_missing",
        "forbidden_phrase",
    ]
    # A centre whose own brand is “OK” allows the word of its agents.
    forbidden = rules["rules"][2]["conditions"]["forbidden"]
    forbidden["words"].remove("OK")
    edited = write(tmp_path, rules, "rules.json")
    before, after = StringIO(), StringIO()
    path = str(write(tmp_path, CALL))
    call_command("qa", "check", path, "--format", "json", stdout=before)
    call_command("qa", "check", path, "--format", "json", "--rules", str(edited), stdout=after)
    assert json.loads(after.getvalue())["score"] == json.loads(before.getvalue())["score"] + 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"sentences": [\n {"speaker": "agent", "start": 0, "end": 1, "text": "您好"},\n'
            ' {"speaker": "agent", "start": 1, "end": 2 "text": "再见"}\n]}',
            "call.json: 第 3 行第 44 列：JSON 格式有误：缺少逗号。",
        ),
        (
            '{"sentences": [\n {"speaker": "agent", "start": 0, "end": 1, "text": "您好"},\n'
            ' {"speaker": "agent", "start": "一分钟", "end": 2, "text": "再见"}\n]}',
            'call.json: 第 3 行第 2 列（sentences[1].start）：start 应是秒数，而不是 "一分钟"。',
        ),
        ("", "call.json: 第 1 行第 1 列：JSON 格式有误：缺少一个值。"),
        ('{"utterances": []}', "这既不是 kefu 通话转写"),
    ],
)
def test_a_malformed_file_is_refused_in_chinese_with_its_position(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "call.json"
    path.write_text(content, encoding="utf-8")
    result = kefu(tmp_path, "check", str(path), "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("kefu qa check: ")
    assert message in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/call.json"], "没有文件 /no/such/call.json。"),
        (["."], ". 是目录，不是文件。"),
        (["CALL", "--format", "xml"], "--format 只能是 text 或 json，不能是 xml。"),
        (
            ["CALL", "--from", "baidu"],
            "--from 只能是 auto, kefu, aliyun, tencent 之一，不能是 baidu。",
        ),
        (["CALL", "--agent-channel", "左"], "--agent-channel 是客服代表所在的音轨"),
        (["CALL", "--rules", "CALL"], "call.json: 第 1 行第 1 列（rules）：缺少 rules。"),
        (["CALL", "--bogus"], "（用法见 kefu qa check --help）"),
        ([], "（用法见 kefu qa check --help）"),
    ],
)
def test_bad_arguments_are_refused_in_chinese_with_status_2(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    call = str(write(tmp_path, CALL))
    args = [call if arg == "CALL" else arg for arg in args]
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("qa", "check", *args, stdout=out, stderr=err)
    assert exit_.value.code == 2
    # argparse's own refusals are written before call_command's stderr takes over.
    assert message in err.getvalue() + capsys.readouterr().err
    assert out.getvalue() == ""
