"""Transcript-check benchmark (issue 18): how many 5-minute calls one core checks a second.

A corpus of 5-minute hotline calls (about sixty sentences each, the two parties taking
turns at a natural pace, with holds asked for or not, thanks after them or not, forbidden
words, angry customers, interruptions and fast speech at the rates a centre sees) is made
from a seeded generator, written as kefu transcript JSON, then read and checked against the
default rule set (`kefu.quality.checks`, pure, no database) in this one process, as a worker
would. CPU time is counted, not wall time, so the figure is per core. Two figures: reading
the JSON and checking it (what a worker does with a file), and the check alone. Target
(issue 18): at least 500 transcript checks a second per core.

    python bench/qa.py
    python bench/qa.py --calls 2000 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import cpu_probe_ms, percentile

from kefu.quality import checks

CALL_SECONDS = 300
CALLS = 1000
ROUNDS = 3
TARGET_PER_CORE = 500
CHARS_PER_SECOND = 4.0  # about 240 characters a minute

AGENT_LINES = [
    "请问您的户号是多少？",
    "好的，我帮您查询一下户号下的用电信息。",
    "您所在的小区今天下午有计划检修，预计六点前恢复供电。",
    "请问您家里是全部停电还是部分停电？",
    "麻烦您看一下电表箱里的空气开关是否跳闸。",
    "好的，我已经为您登记了故障报修，抢修人员会尽快联系您。",
    "请问还有其他问题需要咨询吗？",
    "您反映的情况我已经记录下来了。",
    "请您保持电话畅通，工作人员会在两小时内与您联系。",
    "电费可以通过网上国网App或者营业厅缴纳。",
]
CUSTOMER_LINES = [
    "我家里突然停电了。",
    "户号是3201060988。",
    "全部都停了，邻居家也没电。",
    "我看了一下，开关没有跳。",
    "大概要多久才能来电？",
    "好的，我知道了。",
    "那我等着吧。",
    "没有了，谢谢。",
    "家里还有老人，天太热了。",
    "上次也是这样，修了好几天。",
]
ANGRY = ["你们这是什么态度，我要投诉！", "停了一上午电，太过分了！"]
FORBIDDEN = ["喂，您还在吗？", "OK，我帮您登记了。", "这个不可能，我们做不到。"]
ASK = "对不起，请您稍等片刻，好吗？"
THANKS = "对不起，让您久等了，查到了。"
APOLOGY = "真对不起，给您带来这么多麻烦。"


def call(rng: random.Random) -> dict[str, Any]:
    """One 5-minute call in kefu's transcript format."""
    sentences: list[dict[str, Any]] = []
    clock = 0.0

    def say(speaker: str, text: str, *, gap: float = 0.5, rate: float = CHARS_PER_SECOND) -> None:
        nonlocal clock
        start = max(0.0, clock + gap)
        end = start + len(text) / rate
        sentences.append({"speaker": speaker, "start": round(start, 2), "end": round(end, 2),
                          "text": text})  # fmt: skip
        clock = max(clock, end)

    say("agent", "您好，欢迎致电供电服务热线，很高兴为您服务，请问有什么可以帮助您？")
    while clock < CALL_SECONDS - 15:
        roll = rng.random()
        if roll < 0.04:  # a hold, asked for or not, thanked after or not
            if rng.random() < 0.7:
                say("agent", ASK)
                say("customer", "好的。")
            say("agent", THANKS if rng.random() < 0.7 else "查到了。", gap=rng.uniform(10, 40))
        elif roll < 0.07:
            say("customer", rng.choice(ANGRY))
            say("agent", APOLOGY if rng.random() < 0.6 else rng.choice(AGENT_LINES))
        elif roll < 0.09:
            say("agent", rng.choice(FORBIDDEN))
        elif roll < 0.11:  # the agent cuts in
            say("customer", rng.choice(CUSTOMER_LINES) + rng.choice(CUSTOMER_LINES))
            say("agent", rng.choice(AGENT_LINES), gap=-rng.uniform(0.5, 2.5))
        elif roll < 0.13:  # too fast
            say("agent", rng.choice(AGENT_LINES) + rng.choice(AGENT_LINES), rate=7)
        else:
            say("customer", rng.choice(CUSTOMER_LINES), gap=rng.uniform(0.3, 1.5))
            say("agent", rng.choice(AGENT_LINES), gap=rng.uniform(0.3, 1.5))
    say("agent", "请问还有什么可以帮助您？")
    say("customer", "没有了，谢谢。")
    say("agent", "感谢您的来电，再见！")
    sentences.sort(key=lambda sentence: sentence["start"])
    return {"sentences": sentences}


def run(calls: int, rounds: int, seed: int = 18) -> dict[str, Any]:
    rng = random.Random(seed)
    corpus = [json.dumps(call(rng), ensure_ascii=False).encode() for _ in range(calls)]
    rules = checks.default_rules()
    transcripts = [checks.read_transcript(data) for data in corpus]
    hits = [len(checks.check(t, rules).hits) for t in transcripts]  # warm-up, and the counts
    both: list[float] = []
    alone: list[float] = []
    each: list[float] = []
    for _round in range(rounds):
        began = time.process_time()
        for data in corpus:
            checks.check(checks.read_transcript(data), rules)
        both.append(calls / (time.process_time() - began))
        began = time.process_time()
        for transcript in transcripts:
            checks.check(transcript, rules)
        alone.append(calls / (time.process_time() - began))
    for data in corpus[: min(calls, 300)]:
        began = time.perf_counter()
        checks.check(checks.read_transcript(data), rules)
        each.append((time.perf_counter() - began) * 1000)
    each.sort()
    sizes = [len(t.sentences) for t in transcripts]
    lengths = [t.sentences[-1].end for t in transcripts]
    rate = statistics.median(both)
    return {
        "benchmark": "transcript checks (kefu.quality.checks, default rule set)",
        "calls": calls,
        "rounds": rounds,
        "call_seconds_mean": round(statistics.fmean(lengths), 1),
        "sentences_per_call_mean": round(statistics.fmean(sizes), 1),
        "hits_per_call_mean": round(statistics.fmean(hits), 2),
        "rules": len(rules.rules),
        "checks_per_second_per_core": round(rate, 1),
        "check_only_per_second_per_core": round(statistics.median(alone), 1),
        "read_and_check_ms_p50": round(percentile(each, 0.50), 3),
        "read_and_check_ms_p95": round(percentile(each, 0.95), 3),
        "target_checks_per_second_per_core": TARGET_PER_CORE,
        "meets_target": rate >= TARGET_PER_CORE,
        "cpu_probe_ms": cpu_probe_ms(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=CALLS, help="calls in the corpus")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timed passes over it")
    args = parser.parse_args()
    print(json.dumps(run(args.calls, args.rounds), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
