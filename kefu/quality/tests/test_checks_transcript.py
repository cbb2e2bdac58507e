"""Transcripts in: kefu's documented JSON format, refused with a Chinese message that says
where (line, column, JSON path) when malformed, and the converters of Aliyun's and
Tencent Cloud's file-recognition results (issue 18, point 7)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.quality import checks
from kefu.quality.checks import Sentence, Transcript

GOOD = {
    "sentences": [
        {"speaker": "agent", "start": 0, "end": 3.2, "text": "您好，很高兴为您服务。"},
        {"speaker": "customer", "start": 3.6, "end": 6.1, "text": "我家停电了。", "emotion": 7},
    ]
}


def test_the_kefu_format_is_read_with_a_bom_and_extra_keys() -> None:
    data = "\ufeff" + json.dumps({**GOOD, "call_id": "C1"}, ensure_ascii=False)
    assert checks.read_transcript(data.encode()) == Transcript(
        (
            Sentence("agent", 0.0, 3.2, "您好，很高兴为您服务。"),
            Sentence("customer", 3.6, 6.1, "我家停电了。"),
        )
    )
    assert checks.read_transcript(data).as_dict()["sentences"][1]["end"] == 6.1


def lines(*sentences: Any) -> str:
    """A transcript file with one sentence a line (line 3 is the first sentence)."""
    body = ",\n".join("  " + json.dumps(s, ensure_ascii=False) for s in sentences)
    return '{"sentences": [\n' + body + "\n]}" if sentences else '{"sentences": []}'


OK = {"speaker": "agent", "start": 1, "end": 2, "text": "您好"}


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (
            '{"sentences": [\n  {"speaker": "agent" "start": 1}\n]}',
            "json",
            "第 2 行第 23 列：JSON 格式有误：缺少逗号。",
        ),
        ('{"sentences": [', "json", "第 1 行第 16 列：JSON 格式有误：缺少一个值。"),
        ('{"sentences": []} x', "json", "JSON 对象之后还有多余内容"),
        (b"\xef\xbb\xbf{\xff}", "not_utf8", "文件不是 UTF-8 编码的文本（第 5 字节）。"),
        ("[]", "not_object", '文件应是一个含 "sentences" 列表的 JSON 对象。'),
        ('{"turns": []}', "format", "这既不是 kefu 通话转写"),
        (
            '{"sentences": {}}',
            "sentences",
            "第 1 行第 15 列（sentences）：sentences 应是语句列表，而不是 一个对象。",
        ),
        (lines(OK, [1, 2]), "sentence", "第 3 行第 3 列（sentences[1]）：每一句应是含 speaker"),
        (
            lines(OK, {**OK, "speaker": "坐席"}),
            "speaker",
            '第 3 行第 3 列（sentences[1].speaker）：speaker 应是 "agent"（客服代表）或 '
            '"customer"（客户），而不是 "坐席"。',
        ),
        (lines({k: v for k, v in OK.items() if k != "speaker"}), "missing", "缺少 speaker"),
        (
            lines(OK, {**OK, "start": "1:05"}),
            "time",
            '（sentences[1].start）：start 应是秒数，而不是 "1:05"。',
        ),
        (lines({**OK, "start": True}), "time", "start 应是秒数，而不是 true。"),
        (lines({**OK, "end": -1}), "time_range", "end 为 -1，超出范围（0 到 86400 秒）。"),
        (
            lines({**OK, "end": 0.5}),
            "end_before_start",
            "这一句的结束时间（0.5 秒）早于开始时间（1 秒）。",
        ),
        (lines({**OK, "text": None}), "text", "text 应是字符串，而不是 null。"),
        (lines({**OK, "text": "长" * 2001}), "text_length", "文本有 2,001 个字符，超过了 2,000"),
        (
            lines({**OK, "start": 5, "end": 6}, OK),
            "order",
            "第 3 行第 3 列（sentences[1]）：这一句从 1 秒开始，早于上一句（5 秒）",
        ),
        ("[" * 100_000, "json", "JSON 嵌套过深"),
    ],
)
def test_a_malformed_transcript_is_refused_with_its_place(
    data: str | bytes, code: str, message: str
) -> None:
    with pytest.raises(checks.TranscriptError) as refused:
        checks.read_transcript(data)
    assert refused.value.code == code
    assert message in refused.value.message


def test_a_file_too_large_or_too_many_sentences_is_refused() -> None:
    with pytest.raises(checks.TranscriptError) as refused:
        checks.read_transcript(b" " * 20_000_001)
    assert refused.value.code == "too_large"
    with pytest.raises(checks.TranscriptError) as refused:
        checks.transcript_from_value({"sentences": [OK] * 10_001})
    assert refused.value.code == "too_many"
    assert "共 10,001 句，超过了一份转写最多 10,000 句的上限" in refused.value.message


@given(st.binary(max_size=300) | st.text(max_size=300))
def test_no_input_breaks_the_reader_other_than_with_its_own_error(data: bytes | str) -> None:
    try:
        checks.check(checks.read_transcript(data))
    except checks.TranscriptError as error:
        assert error.message


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "speaker": st.sampled_from(["agent", "customer", "x", None]),
                "start": st.one_of(st.floats(-1, 100), st.integers(-5, 100), st.text(max_size=3)),
                "end": st.one_of(st.floats(-1, 200), st.none()),
                "text": st.one_of(st.text(max_size=20), st.integers()),
            }
        ),
        max_size=8,
    )
)
def test_any_sentences_are_read_and_checked_or_refused_with_a_place(items: list[Any]) -> None:
    text = json.dumps({"sentences": items}, ensure_ascii=False, indent=1)
    try:
        result = checks.check(checks.read_transcript(text))
    except checks.TranscriptError as error:
        assert error.line is not None and error.path[0] == "sentences"
    else:
        assert 0 <= result.score <= 100
        assert all(0 <= hit.sentence < len(items) for hit in result.hits)


# --- Aliyun ----------------------------------------------------------------------------------

# The shape of Aliyun's GetTaskResult (智能语音交互, 录音文件识别, "接口说明"): times in ms,
# ChannelId the track of a two-track recording.
ALIYUN: dict[str, Any] = {
    "TaskId": "4b56f0c4b7e611e88f34c33c2a60****",
    "RequestId": "98AE8F9F-0D7A-4C2C-9E6D-2BDB7A5B****",
    "StatusText": "SUCCESS",
    "StatusCode": 21050000,
    "BizDuration": 14000,
    "Result": {
        "Sentences": [
            {"EndTime": 6000, "SilenceDuration": 0, "BeginTime": 4000, "Text": "喂，我家停电了。",
             "ChannelId": 1, "SpeechRate": 210, "EmotionValue": 6.1},
            {"EndTime": 3500, "SilenceDuration": 0, "BeginTime": 300,
             "Text": "您好，很高兴为您服务。",
             "ChannelId": 0, "SpeechRate": 180, "EmotionValue": 5.0},
            {"EndTime": 14000, "SilenceDuration": 1, "BeginTime": 11000,
             "Text": "感谢您的来电，再见！",
             "ChannelId": 0, "SpeechRate": 200, "EmotionValue": 5.0},
        ]
    },
}  # fmt: skip


def test_aliyun_results_become_transcripts_in_the_order_spoken() -> None:
    transcript = checks.read_transcript(json.dumps(ALIYUN, ensure_ascii=False))
    assert transcript == Transcript(
        (
            Sentence("agent", 0.3, 3.5, "您好，很高兴为您服务。"),
            Sentence("customer", 4.0, 6.0, "喂，我家停电了。"),
            Sentence("agent", 11.0, 14.0, "感谢您的来电，再见！"),
        )
    )
    # The customer's 喂 is no fault of the agent's.
    assert checks.check(transcript).as_dict() == {"hits": [], "score": 100}


def test_aliyun_variants_the_agent_on_track_1_and_camel_case_callbacks() -> None:
    swapped = checks.transcript_from_value(ALIYUN, source="aliyun", agent_channel=1)
    assert [s.speaker for s in swapped.sentences] == ["customer", "agent", "customer"]
    callback = {
        "taskId": "…",
        "statusText": "SUCCESS",
        "result": json.dumps(
            {"sentences": [{"beginTime": 0, "endTime": 900, "text": "您好", "channelId": 0}]}
        ),
    }
    assert checks.transcript_from_value(callback).sentences == (Sentence("agent", 0, 0.9, "您好"),)
    bare = {"Sentences": ALIYUN["Result"]["Sentences"]}
    assert len(checks.transcript_from_value(bare).sentences) == 3


def test_an_aliyun_file_without_speech_is_a_call_with_nothing_to_check() -> None:
    silent = {"TaskId": "…", "StatusText": "SUCCESS_WITH_NO_VALID_FRAGMENT", "StatusCode": 21050003}
    transcript = checks.transcript_from_value(silent)
    assert transcript == Transcript(())
    assert checks.check(transcript).as_dict() == {"hits": [], "score": 100}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"StatusText": "RUNNING"},
         "阿里云识别任务尚未成功（StatusText 为 RUNNING），没有可检查的语句。"),
        ({"Result": {"Sentences": [{"BeginTime": 0, "EndTime": 900, "Text": "您好"}]}},
         "第 9 行第 4 列（Result.Sentences[0].ChannelId）：缺少 ChannelId。"),
        ({"Result": {"Sentences": [
            {"BeginTime": "0", "EndTime": 9, "Text": "好", "ChannelId": 0}]}},
         "BeginTime 应是 0 到 86,400,000 之间的毫秒数，而不是 \"0\"。"),
        ({"Result": {"Sentences": [
            {"BeginTime": 0, "EndTime": 9, "Text": "好", "ChannelId": "左"}]}},
         "ChannelId 应是整数（音轨号），而不是 \"左\"。"),
    ],
)  # fmt: skip
def test_a_bad_aliyun_result_is_refused_in_chinese(change: dict[str, Any], message: str) -> None:
    with pytest.raises(checks.TranscriptError) as refused:
        checks.read_transcript(json.dumps({**ALIYUN, **change}, ensure_ascii=False, indent=1))
    assert message in refused.value.message
    assert refused.value.line is not None


# --- Tencent Cloud ---------------------------------------------------------------------------

# The shape of Tencent Cloud's DescribeTaskStatus (语音识别, 录音文件识别): ResultDetail's
# SentenceDetail with StartMs/EndMs in ms and SpeakerId the track (ChannelNum 2).
TENCENT: dict[str, Any] = {
    "Response": {
        "RequestId": "a73b14a6-5044-41cb-bf32-e735d5bd69de",
        "Data": {
            "TaskId": 9266418,
            "Status": 2,
            "StatusStr": "success",
            "AudioDuration": 9.5,
            "Result": "[0:0.020,0:2.380]  您好，很高兴为您服务。\n",
            "ErrorMsg": "",
            "ResultDetail": [
                {"FinalSentence": "您好，很高兴为您服务。", "SliceSentence": "您好 很 高兴",
                 "StartMs": 20, "EndMs": 2380, "WordsNum": 6, "Words": [], "SpeechSpeed": 5.9,
                 "SpeakerId": 0, "EmotionalEnergy": 0, "SilenceTime": 0},
                {"FinalSentence": "我要投诉！", "StartMs": 3000, "EndMs": 4000, "SpeakerId": 1},
                {"FinalSentence": "好的。", "StartMs": 4500, "EndMs": 5000, "SpeakerId": 0},
                {"FinalSentence": "再见！", "StartMs": 9000, "EndMs": 9500, "SpeakerId": 0},
            ],
        },
    }
}  # fmt: skip


def test_tencent_results_become_transcripts() -> None:
    transcript = checks.read_transcript(json.dumps(TENCENT, ensure_ascii=False))
    assert [(s.speaker, s.start, s.end, s.text) for s in transcript.sentences] == [
        ("agent", 0.02, 2.38, "您好，很高兴为您服务。"),
        ("customer", 3.0, 4.0, "我要投诉！"),
        ("agent", 4.5, 5.0, "好的。"),
        ("agent", 9.0, 9.5, "再见！"),
    ]
    assert [hit.rule for hit in checks.check(transcript).hits] == ["anger_no_apology"]
    data_only = TENCENT["Response"]["Data"]
    assert checks.transcript_from_value({"Data": data_only}, source="tencent") == transcript
    assert checks.transcript_from_value(data_only) == transcript


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Status": 1, "StatusStr": "doing"},
         '腾讯云识别任务尚未成功（Status 为 "doing"），没有可检查的语句。'),
        ({"ResultDetail": []}, "腾讯云结果中没有 ResultDetail（分句详情）"),
        ({"ResultDetail": [{"FinalSentence": "好", "StartMs": 5, "EndMs": 9}]},
         "（Response.Data.ResultDetail[0].SpeakerId）：缺少 SpeakerId。"),
        ({"ResultDetail": [{"FinalSentence": "好", "StartMs": 5, "EndMs": 1, "SpeakerId": 0}]},
         "这一句的结束时间（0.001 秒）早于开始时间（0.005 秒）"),
    ],
)  # fmt: skip
def test_a_bad_tencent_result_is_refused_in_chinese(change: dict[str, Any], message: str) -> None:
    data = {"Response": {"Data": {**TENCENT["Response"]["Data"], **change}}}
    with pytest.raises(checks.TranscriptError) as refused:
        checks.read_transcript(json.dumps(data, ensure_ascii=False, indent=1))
    assert message in refused.value.message


def test_a_source_asked_for_is_read_as_that_source() -> None:
    with pytest.raises(checks.TranscriptError) as refused:
        checks.transcript_from_value(GOOD, source="tencent")
    assert "缺少 ResultDetail" in refused.value.message
    assert checks.transcript_from_value(GOOD, source="kefu").sentences[0].speaker == "agent"
