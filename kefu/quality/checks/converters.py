"""Speech-recognition results turned into kefu transcripts: Aliyun's and Tencent Cloud's
file recognition (录音文件识别), as their query APIs return them.

Both services recognise a two-track call recording (one party on each track) sentence by
sentence and say which track each sentence came from; which track is the agent's is the
telephone platform's choice, so it is an argument (``agent_channel``, 0 by default), and
every other track is the customer's. Times come in milliseconds and become seconds; the
sentences are put in the order they start (the services list them track by track or
nearly so), and a hit's sentence index is that of the converted transcript.

Keys are matched without regard to case or underscores (``BeginTime``, ``beginTime``,
``begin_time``), since the services' SDKs, callbacks and older versions spell them
differently.

**Aliyun** (智能语音交互, 录音文件识别, ``GetTaskResult``; the shape of the help centre's
"接口说明", https://www.alibabacloud.com/help/tc/isi/user-guide/api-reference-2 and
https://help.aliyun.com/document_detail/90727.htm)::

    {"TaskId": "…", "StatusText": "SUCCESS", "StatusCode": 21050000, "BizDuration": 2956,
     "Result": {"Sentences": [
        {"BeginTime": 340, "EndTime": 2365, "ChannelId": 0, "Text": "您好，…",
         "SpeechRate": 177, "EmotionValue": 5.0, "SilenceDuration": 0}, …]}}

``BeginTime``/``EndTime`` in ms, ``ChannelId`` the track. The ``Result`` object alone, or a
``Result`` given as a JSON string, is read too; ``StatusText``
``SUCCESS_WITH_NO_VALID_FRAGMENT`` (no speech found) is a transcript without sentences.

**Tencent Cloud** (语音识别, 录音文件识别, ``DescribeTaskStatus``; the ``TaskStatus`` and
``SentenceDetail`` data types, https://www.tencentcloud.com/document/api/1118/66924 and
https://www.tencentcloud.com/document/api/1118/66926)::

    {"Response": {"RequestId": "…", "Data": {
        "TaskId": 9266418, "Status": 2, "StatusStr": "success", "AudioDuration": 2.38,
        "Result": "[0:0.020,0:2.380]  …",
        "ResultDetail": [{"FinalSentence": "…", "StartMs": 20, "EndMs": 2380,
                          "SpeechSpeed": 5.9, "SpeakerId": 0, …}, …]}}}

``StartMs``/``EndMs`` in ms, ``SpeakerId`` the track (``ChannelNum`` 2) or the speaker
(speaker diarisation). ``Data`` alone, or ``{"Data": …}`` as the SDKs print it, is read
too. ``ResultDetail`` is needed: the plain ``Result`` text carries no speaker (it is
returned when the task was submitted with ``ResTextFormat`` 1 or more).
"""

from __future__ import annotations

import json
from typing import Any, Final

from django.utils.translation import gettext_lazy as _

from kefu.quality.checks.transcript import (
    AGENT,
    CUSTOMER,
    MAX_SECONDS,
    Path,
    Sentence,
    Transcript,
    TranscriptError,
    fail,
    from_kefu,
    missing,
    sentence_at,
    sentence_list,
    shown,
    text_of,
)

KEFU: Final = "kefu"
ALIYUN: Final = "aliyun"
TENCENT: Final = "tencent"
SOURCES: Final = (KEFU, ALIYUN, TENCENT)
AUTO: Final = "auto"
# Aliyun's status for a file in which no speech was found: a call with nothing to check.
NOTHING_SAID: Final = "SUCCESS_WITH_NO_VALID_FRAGMENT"


def _keys(value: dict[str, Any]) -> dict[str, str]:
    """Each key of ``value`` by its spelling without case or underscores."""
    return {key.replace("_", "").lower(): key for key in value if isinstance(key, str)}


def _field(value: dict[str, Any], keys: dict[str, str], name: str, path: Path) -> Any:
    """The field ``name`` (as the service's documentation spells it), however spelt here."""
    key = keys.get(name.lower())
    if key is None:
        raise missing((*path, name))
    return value[key]


def _milliseconds(value: Any, path: Path) -> float:
    if type(value) not in (int, float) or not 0 <= value <= MAX_SECONDS * 1000:
        raise fail(
            "time",
            path,
            _("%(field)s must be milliseconds from 0 to %(limit)s, not %(value)s."),
            {"field": path[-1], "value": shown(value), "limit": f"{MAX_SECONDS * 1000:,}"},
        )
    return value / 1000


def _track(value: Any, path: Path) -> int:
    if type(value) is str and value.strip().isdigit():
        return int(value)
    if type(value) is not int:
        raise fail(
            "channel",
            path,
            _("%(field)s must be a whole number (the track), not %(value)s."),
            {"field": path[-1], "value": shown(value)},
        )
    return value


def _sorted(sentences: list[Sentence]) -> Transcript:
    return Transcript(tuple(sorted(sentences, key=lambda sentence: sentence.start)))


def _sentences(
    items: list[Any],
    path: Path,
    *,
    agent_channel: int,
    begin: str,
    end: str,
    text: str,
    track: str,
) -> Transcript:
    sentences: list[Sentence] = []
    for index, item in enumerate(items):
        here: Path = (*path, index)
        if not isinstance(item, dict):
            raise fail("sentence", here, _("A sentence must be an object."))
        keys = _keys(item)
        start = _milliseconds(_field(item, keys, begin, here), (*here, keys[begin.lower()]))
        stop = _milliseconds(_field(item, keys, end, here), (*here, keys[end.lower()]))
        sentence_at(start, stop, here)
        words = text_of(_field(item, keys, text, here), (*here, keys[text.lower()]))
        channel = _track(_field(item, keys, track, here), (*here, keys[track.lower()]))
        speaker = AGENT if channel == agent_channel else CUSTOMER
        sentences.append(Sentence(speaker, start, stop, words))
    return _sorted(sentences)


def _inside(value: Any, path: Path, *names: str) -> tuple[Any, Path]:
    """Down through the wrapping objects named (those present), for the payload."""
    for name in names:
        if isinstance(value, dict):
            key = _keys(value).get(name)
            if key is not None and isinstance(value[key], dict | str):
                value, path = value[key], (*path, key)
                if isinstance(value, str) and value.lstrip().startswith("{"):
                    try:
                        value = json.loads(value)
                    except json.JSONDecodeError:
                        raise fail(
                            "json",
                            path,
                            _("%(field)s holds JSON that cannot be read."),
                            {"field": path[-1]},
                        ) from None
    return value, path


def from_aliyun(value: Any, *, agent_channel: int = 0) -> Transcript:
    """A transcript from Aliyun's file-recognition result (``GetTaskResult``)."""
    path: Path = ()
    if isinstance(value, dict):
        keys = _keys(value)
        status = value.get(keys.get("statustext", ""))
        if isinstance(status, str) and status.upper() == NOTHING_SAID:
            return Transcript(())
        if isinstance(status, str) and status.upper() != "SUCCESS":
            raise fail(
                "not_done",
                (keys["statustext"],),
                _(
                    "The Aliyun recognition task has not succeeded (StatusText %(status)s): "
                    "there are no sentences to check."
                ),
                {"status": status},
            )
        value, path = _inside(value, path, "result")
    if not isinstance(value, dict) or "sentences" not in _keys(value):
        raise missing((*path, "Sentences"))
    key = _keys(value)["sentences"]
    items = sentence_list(value[key], (*path, key))
    return _sentences(
        items,
        (*path, key),
        agent_channel=agent_channel,
        begin="BeginTime",
        end="EndTime",
        text="Text",
        track="ChannelId",
    )


def from_tencent(value: Any, *, agent_channel: int = 0) -> Transcript:
    """A transcript from Tencent Cloud's file-recognition result (``DescribeTaskStatus``)."""
    value, path = _inside(value, (), "response", "data")
    if not isinstance(value, dict):
        raise missing((*path, "Data"))
    keys = _keys(value)
    status = value.get(keys.get("status", ""))
    if status is not None and status != 2:
        said = value.get(keys.get("statusstr", ""), status)
        raise fail(
            "not_done",
            (*path, keys["status"]),
            _(
                "The Tencent recognition task has not succeeded (Status %(status)s): "
                "there are no sentences to check."
            ),
            {"status": shown(said)},
        )
    if "resultdetail" not in keys or value[keys["resultdetail"]] in (None, []):
        if isinstance(value.get(keys.get("result", "")), str) and value[keys["result"]].strip():
            raise fail(
                "no_detail",
                (*path, keys["result"]),
                _(
                    "The Tencent result has no ResultDetail, and its plain Result text says "
                    "no speaker: submit the task with ResTextFormat 1, 2 or 3."
                ),
            )
        if "resultdetail" not in keys:
            raise missing((*path, "ResultDetail"))
    key = keys["resultdetail"]
    items = sentence_list(value[key], (*path, key))
    return _sentences(
        items,
        (*path, key),
        agent_channel=agent_channel,
        begin="StartMs",
        end="EndMs",
        text="FinalSentence",
        track="SpeakerId",
    )


def _first_sentence(value: dict[str, Any], name: str) -> Any:
    items = value.get(_keys(value).get(name, ""))
    return items[0] if isinstance(items, list) and items else None


def detect(value: Any) -> str:
    """Which of SOURCES a parsed JSON value is, or TranscriptError."""
    if not isinstance(value, dict):
        return KEFU  # which refuses it, saying what a transcript is
    if isinstance(value, dict):
        if "sentences" in value:
            first = _first_sentence(value, "sentences")
            if not isinstance(first, dict) or "begintime" not in _keys(first):
                return KEFU
            return ALIYUN
        keys = _keys(value)
        if keys.keys() & {"statustext", "sentences"}:
            return ALIYUN
        if "result" in keys and isinstance(value[keys["result"]], dict | str):
            inner, _path = _inside(value, (), "result")
            if isinstance(inner, dict) and "sentences" in _keys(inner):
                return ALIYUN
        inner, _path = _inside(value, (), "response", "data")
        if isinstance(inner, dict) and _keys(inner).keys() & {"resultdetail", "statusstr"}:
            return TENCENT
    raise TranscriptError(
        "format",
        _(
            'This is neither a kefu transcript ({"sentences": […]}) nor an Aliyun or '
            "Tencent file-recognition result."
        ),
    )


def convert(value: Any, *, source: str = AUTO, agent_channel: int = 0) -> Transcript:
    """A transcript from a parsed JSON value of ``source`` (one of SOURCES, or "auto")."""
    kind = detect(value) if source == AUTO else source
    if kind == KEFU:
        return from_kefu(value)
    if kind == ALIYUN:
        return from_aliyun(value, agent_channel=agent_channel)
    if kind == TENCENT:
        return from_tencent(value, agent_channel=agent_channel)
    raise ValueError(f"unknown transcript source {source!r}")
