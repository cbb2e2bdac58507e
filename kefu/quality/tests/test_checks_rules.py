"""The rule families of the default rule set on Chinese transcripts, positive, negative and
near-miss (issue 18, point 7; the phrases of 002 第13/17/18篇), and the operator model
under them: conditions joined by and/or/not, limited to a speaker and a range of its
sentences, placed before/after another condition's hit; every hit with its rule, sentence,
time and text; the score."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from kefu.quality import checks
from kefu.quality.checks import Sentence, Transcript

A, C = "agent", "customer"
GREETING = (A, "您好，很高兴为您服务，请问有什么可以帮助您？")
CLOSING = (A, "感谢您的来电，再见！")


def call(*lines: tuple[str, str] | tuple[str, str, float, float]) -> Transcript:
    """A call: (speaker, text) one after another at a natural pace, or with explicit
    (speaker, text, start, end)."""
    sentences = []
    clock = 0.0
    for line in lines:
        if len(line) == 4:
            speaker, text, start, end = line
        else:
            speaker, text = line
            start, end = clock + 0.5, clock + 0.5 + len(text) / 4 + 0.5
        sentences.append(Sentence(speaker, start, end, text))
        clock = max(clock, end)
    return Transcript(tuple(sentences))


def proper(*middle: tuple[str, str] | tuple[str, str, float, float]) -> Transcript:
    return call(GREETING, *middle, CLOSING)


def hits(transcript: Transcript, family: str, rules: checks.RuleSet | None = None) -> list[int]:
    return [hit.sentence for hit in checks.check(transcript, rules).hits if hit.rule == family]


# --- greeting and closing: 002 第13篇 1、20；第17篇 1、2、34 ------------------------------


def test_greeting_missing_when_the_agent_opens_without_one() -> None:
    """002 第13篇 1: 开头语“您好，…”；切忌“讲”“说话”."""
    transcript = call((A, "讲。"), (C, "我家停电了。"), (A, "地址？"), CLOSING)
    assert hits(transcript, "greeting_missing") == [0]
    assert hits(proper((C, "我家停电了。")), "greeting_missing") == []


def test_greeting_in_the_third_agent_sentence_is_too_late() -> None:
    """Near-miss: the greeting is there, but not in the agent's first two sentences."""
    transcript = call((A, "供电热线。"), (C, "停电了。"), (A, "请讲。"), (A, "您好。"), CLOSING)
    assert hits(transcript, "greeting_missing") == [0]


def test_a_customer_greeting_first_then_the_agents_reply_is_proper() -> None:
    """002 第17篇 2: 客户先问好，客服代表“您好，请问有什么可以帮助您？”."""
    transcript = call((C, "您好。"), (A, "您好，请问有什么可以帮助您？"), CLOSING)
    assert hits(transcript, "greeting_missing") == []


def test_closing_missing_is_reported_at_the_agents_last_sentence() -> None:
    """002 第17篇 34: “感谢您的来电…谢谢再见！”; only the customer said goodbye here."""
    transcript = call(GREETING, (C, "好的，再见。"), (A, "嗯。"), (C, "拜拜。"))
    assert hits(transcript, "closing_missing") == [2]
    assert hits(proper((C, "好的。")), "closing_missing") == []


# --- forbidden phrases: 002 第13篇 1–19；第17/18篇 -------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "喂，您还在吗？",  # 第13篇 6: 喂，喂，喂追问
        "OK，我帮您登记了。",  # 第13篇 13: 不准随便使用“OK，GOOD，BYEBYE”
        "ok的，没问题。",
        "好的，byebye。",
        "Thank you，再见。",
        "不可能，您的要求我们做不到。",  # 第13篇 16
        "我不知道，您找营业厅吧。",  # 第13篇 19
        "您说什么？",  # 第13篇 2
        "什么？",  # 第13篇 2: “什么？”
        "嗯？",
        "这不关我的事。",  # 第17篇 19
        "没事了吧，您挂电话吧。",  # 第17篇 34
    ],
)
def test_a_forbidden_phrase_of_the_agent_is_a_hit(said: str) -> None:
    transcript = proper((C, "我家停电了。"), (A, said))
    assert hits(transcript, "forbidden_phrase") == [2]


@pytest.mark.parametrize(
    "said",
    [
        "您说的是养殖场投喂设备停电，对吗？",  # 喂 inside the allowed 投喂
        "宝宝的喂奶器要用电，我们会尽快处理。",  # 喂 inside 喂奶
        "您孩子的OK镜护理仪需要用电，我们尽快处理。",  # OK inside the product name OK镜
        "请在网上国网App里点“TOKEN”。",  # OK inside a longer Latin word
        "您买的是固特异Goodyear轮胎吗？",  # GOOD inside a Latin word
        "好的，可以，谢谢。",  # 第13篇 13: 使用“好的”“可以”“再见”“谢谢”
        "对不起，由于线路的问题，我没有听清楚，您能再重复一遍吗？",  # 第13篇 2
    ],
)
def test_near_misses_of_forbidden_phrases_are_not_hits(said: str) -> None:
    assert hits(proper((C, "我家停电了。"), (A, said)), "forbidden_phrase") == []


def test_forbidden_words_said_by_the_customer_do_not_count() -> None:
    transcript = proper((C, "喂？喂？我不知道户号，OK吗？"), (A, "没关系，请告诉我地址。"))
    assert hits(transcript, "forbidden_phrase") == []


def test_a_forbidden_hit_names_the_phrase_as_it_was_said() -> None:
    transcript = proper((C, "停电了。"), (A, "Ｏｋ，登记了。"))
    (hit,) = [h for h in checks.check(transcript).hits if h.rule == "forbidden_phrase"]
    assert (hit.rule_id, hit.sentence, hit.text, hit.detail) == (
        "forbidden_phrase",
        2,
        "Ｏｋ，登记了。",
        "Ｏｋ",
    )


# --- silence and holds: 002 第13篇 3、4、5；第17/18篇 22 --------------------------------

ASK = "对不起，请您稍等片刻，好吗？"
THANKS = "对不起，让您久等了。"


def held(before: str, after: str, gap: float, *, after_speaker: str = A) -> Transcript:
    return call(
        (*GREETING, 0.0, 4.0),
        (C, "帮我查一下电费。", 4.5, 7.0),
        (A, before, 7.5, 10.0),
        (after_speaker, after, 10.0 + gap, 13.0 + gap),
        (A, "您的电费是一百二十元。", 13.5 + gap, 16.0 + gap),
        (C, "好的。", 16.5 + gap, 17.0 + gap),
        (A, "感谢您的来电，再见！", 17.5 + gap, 20.0 + gap),
    )


def test_a_hold_asked_for_and_thanked_is_proper() -> None:
    """002 第17篇 22: “请您稍等片刻，好吗？” … “对不起，让您久等了。”"""
    transcript = held(ASK, THANKS, 20)
    assert checks.check(transcript).hits == ()


def test_a_hold_without_asking_is_a_hit_at_the_sentence_that_ends_it() -> None:
    result = checks.check(held("我查一下。", THANKS, 20))
    assert [(hit.rule, hit.sentence, hit.start) for hit in result.hits] == [
        ("hold_no_ask", 3, 30.0)
    ]
    assert result.hits[0].detail == "20.0"


def test_a_hold_announced_in_other_words_is_asked() -> None:
    """Near-miss: not “请您稍等” but “麻烦您等一下” (002 第13篇 3: 等待一下可以吗)."""
    for words in ("麻烦您等一下，我帮您查。", "您先不要挂机，等待一下可以吗？", "请稍候。"):
        assert hits(held(words, THANKS, 20), "hold_no_ask") == [], words


def test_asking_after_the_hold_is_too_late() -> None:
    assert hits(held("我看看。", "请您稍等，让您久等了。", 20), "hold_no_ask") == [3]


def test_a_hold_without_thanks_is_a_hit() -> None:
    """002 第17篇 22: 取消静音后“对不起，让您久等了”; 不可以没有抱歉和感谢."""
    assert hits(held(ASK, "查到了。", 20), "hold_no_thanks") == [3]
    assert hits(held(ASK, "感谢您的耐心等待，查到了。", 20), "hold_no_thanks") == []


def test_a_short_pause_or_a_customer_pause_is_no_hold() -> None:
    assert hits(held("我查一下。", "查到了。", 9), "hold_no_ask") == []
    # The customer broke the silence: the customer was the one busy, not on hold.
    transcript = held("请问您的户号？", "户号是3201。", 20, after_speaker=C)
    assert hits(transcript, "hold_no_ask") == hits(transcript, "hold_no_thanks") == []


def test_a_long_silence_is_a_hit_even_when_the_hold_was_asked_for() -> None:
    """002 第13篇 5: 等候中避免长时间沉默，应辅之以沟通 (30 s or more)."""
    assert hits(held(ASK, THANKS, 35), "silence") == [3]
    assert hits(held(ASK, THANKS, 29), "silence") == []


# --- interruption: 002 第13篇 10 -----------------------------------------------------------


def test_cutting_into_the_customer_is_an_interruption() -> None:
    """002 第13篇 10: 切忌：不要在客户抱怨时总是打断客户的讲话."""
    transcript = call(
        (*GREETING, 0.0, 4.0),
        (C, "我等了一上午了，你们到底什么时候来电？", 4.5, 12.0),
        (A, "请问您的户号是多少？", 9.0, 12.5),
        (C, "3201。", 13.0, 14.0),
        (*CLOSING, 14.5, 17.0),
    )
    assert hits(transcript, "interruption") == [2]


def test_a_short_backchannel_is_no_interruption() -> None:
    transcript = call(
        (*GREETING, 0.0, 4.0),
        (C, "我等了一上午了，你们到底什么时候来电？", 4.5, 12.0),
        (A, "嗯。", 11.4, 11.9),
        (*CLOSING, 12.5, 15.0),
    )
    assert hits(transcript, "interruption") == []


# --- speech rate: 002 第17篇 12 ------------------------------------------------------------


def test_speaking_too_fast_is_a_hit_and_a_quick_short_reply_is_not() -> None:
    """002 第17篇 12: 不可以语速过快而没有提示 (over 300 characters a minute)."""
    fast = (A, "您所在的小区今天下午两点到五点计划检修预计六点前恢复供电", 5.0, 9.0)
    assert hits(call((*GREETING, 0.0, 4.0), fast, (*CLOSING, 9.5, 12.0)), "speech_rate") == [1]
    normal = (A, "您所在的小区今天下午两点到五点计划检修预计六点前恢复供电", 5.0, 13.0)
    assert hits(call((*GREETING, 0.0, 4.0), normal, (*CLOSING, 13.5, 16)), "speech_rate") == []
    quick = (A, "好的好的。", 5.0, 5.6)
    assert hits(call((*GREETING, 0.0, 4.0), quick, (*CLOSING, 6.0, 8.5)), "speech_rate") == []


# --- anger without apology: 002 第13篇 11、17、19；第17篇 16–19 ---------------------------


def test_anger_met_without_apology_or_escalation_is_a_hit() -> None:
    transcript = proper((C, "你们这是什么态度，我要投诉！"), (A, "户号多少？"), (C, "3201。"))
    assert hits(transcript, "anger_no_apology") == [1]


@pytest.mark.parametrize(
    "answer",
    [
        "先生，真对不起给您带来这么多麻烦。",  # 第13篇 11
        "对不起，由于我们服务不周给您添麻烦了，请您原谅。",  # 第17篇 18
        "我会将您反映的问题如实上报主管，并尽快核实处理。",  # 第17篇 19
    ],
)
def test_anger_met_with_apology_or_escalation_is_proper(answer: str) -> None:
    transcript = proper((C, "停了一上午电，太过分了！"), (A, answer))
    assert hits(transcript, "anger_no_apology") == []


# --- hits and score ------------------------------------------------------------------------


def test_every_hit_carries_rule_sentence_time_and_text_and_the_score_adds_up() -> None:
    transcript = call(
        (A, "喂，说话呀！", 0.0, 2.0),
        (C, "我家停电了。", 2.5, 4.0),
        (A, "OK，不可能。", 4.5, 6.0),
    )
    result = checks.check(transcript)
    assert result.as_dict() == {
        "hits": [
            {"rule": "greeting_missing", "sentence": 0, "start": 0.0, "text": "喂，说话呀！"},
            {"rule": "forbidden_phrase", "sentence": 0, "start": 0.0, "text": "喂，说话呀！"},
            {"rule": "closing_missing", "sentence": 2, "start": 4.5, "text": "OK，不可能。"},
            {"rule": "forbidden_phrase", "sentence": 2, "start": 4.5, "text": "OK，不可能。"},
        ],
        "score": 100 - 10 - 10 - 2 * 5,
    }


def test_a_rules_points_are_capped_and_the_score_never_goes_below_zero() -> None:
    many = [(A, f"喂，第{n}次。") for n in range(10)]
    result = checks.check(proper(*many))
    assert result.deductions == {"forbidden_phrase": 20}
    assert result.score == 80
    worst = call(*[(A, "喂，OK。") for _ in range(5)], (C, "什么态度，投诉！"))
    assert checks.check(worst).deductions == {
        "greeting_missing": 10,
        "closing_missing": 10,
        "forbidden_phrase": 20,
        "anger_no_apology": 10,
    }
    assert checks.check(worst).score == 50
    heavy = ruleset(
        *[
            {
                "id": f"heavy_{n}",
                "points": 60,
                "logic": "a",
                "conditions": {"a": {"operator": "keyword", "words": ["喂"]}},
            }
            for n in range(2)
        ]
    )
    assert checks.check(worst, heavy).score == 0


def test_an_empty_transcript_has_no_hits() -> None:
    assert checks.check(Transcript(())).as_dict() == {"hits": [], "score": 100}


# --- the operator model --------------------------------------------------------------------


def ruleset(*rules: dict[str, Any]) -> checks.RuleSet:
    return checks.rules_from_value({"version": 1, "rules": list(rules)})


def test_and_or_not_and_parentheses() -> None:
    rules = ruleset(
        {
            "id": "promise_without_time",
            "title": "承诺答复但没有说时限",
            "points": 5,
            "logic": "(promise or callback) and not limit",
            "conditions": {
                "promise": {"operator": "keyword", "speaker": "agent", "words": ["给您答复"]},
                "callback": {"operator": "keyword", "speaker": "agent", "words": ["回电"]},
                "limit": {"operator": "regex", "speaker": "agent", "pattern": "\\d+小时"},
            },
        }
    )
    # 002 第17篇 20: 在2小时之内（简单投诉）/24小时之内（复杂投诉）给您明确的答复.
    assert hits(call((A, "我们会尽快给您答复。")), "promise_without_time", rules) == [0]
    assert hits(call((A, "我们稍后给您回电。")), "promise_without_time", rules) == [0]
    assert hits(call((A, "我们会在2小时之内给您答复。")), "promise_without_time", rules) == []
    assert hits(call((A, "好的。")), "promise_without_time", rules) == []


def test_a_range_counted_from_the_end_and_a_speaker_limit() -> None:
    rules = ruleset(
        {
            "id": "last_words",
            "points": 1,
            "logic": "said",
            "conditions": {
                "said": {
                    "operator": "keyword",
                    "speaker": "customer",
                    "sentences": [-1, -1],
                    "words": ["谢谢"],
                }
            },
        }
    )
    transcript = call((C, "谢谢。"), (A, "谢谢。"), (C, "好。"))
    assert hits(transcript, "last_words", rules) == []
    assert hits(call((C, "好。"), (A, "好。"), (C, "谢谢。")), "last_words", rules) == [2]


def test_a_condition_placed_around_another_without_an_anchor() -> None:
    rules = ruleset(
        {
            "id": "identity_near_address",
            "points": 1,
            "logic": "address and not checked",
            "conditions": {
                "address": {"operator": "keyword", "speaker": "agent", "words": ["地址"]},
                "checked": {
                    "operator": "keyword",
                    "speaker": "agent",
                    "words": ["户名"],
                    "relative": {"to": "address", "position": "around", "sentences": 1},
                },
            },
        }
    )
    assert (
        hits(
            call((A, "请问户名？"), (C, "张三。"), (A, "地址呢？")), "identity_near_address", rules
        )
        == []
    )
    far = call((A, "请问户名？"), (A, "好。"), (A, "嗯。"), (A, "地址呢？"))
    assert hits(far, "identity_near_address", rules) == [3]


def test_regex_exclusions_blank_out_what_they_match() -> None:
    rules = ruleset(
        {
            "id": "no_promise",
            "points": 1,
            "logic": "sure",
            "conditions": {
                "sure": {
                    "operator": "regex",
                    "speaker": "agent",
                    "pattern": "保证|肯定",
                    "exclude": ["保证您用电"],
                }
            },
        }
    )
    assert hits(call((A, "我保证明天修好。")), "no_promise", rules) == [0]
    assert hits(call((A, "保证您用电是我们的责任。")), "no_promise", rules) == []


def test_the_default_rule_set_is_editable_json_read_back_the_same() -> None:
    default = checks.default_rules()
    again = checks.read_rules(checks.rules.dumps(default))
    transcript = held("我查一下。", "查到了。", 40)
    assert checks.check(transcript, again) == checks.check(transcript, default)
    assert all(rule.source.startswith("002 第") for rule in default.rules)


# --- rule sets that cannot be used ------------------------------------------------------------


def bad_rule(**change: Any) -> str:
    rule: dict[str, Any] = {
        "id": "r",
        "points": 1,
        "logic": "a",
        "conditions": {"a": {"operator": "keyword", "words": ["喂"]}},
    }
    rule.update(change)
    return json.dumps({"rules": [rule]}, ensure_ascii=False, indent=1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (bad_rule(logic="a and"), '逻辑表达式 "a and" 在 末尾 附近无法解析'),
        (bad_rule(logic="a && b"), '逻辑表达式只能包含条件名、and、or、not 和括号，不能包含 "&"'),
        (bad_rule(logic="b"), '逻辑表达式中的 "b" 不是本规则的条件'),
        (bad_rule(points=-1), "points（扣分）应是 0 到 100 的整数"),
        (
            bad_rule(conditions={"a": {"operator": "emotion"}}),
            "（rules[0].conditions.a.operator）：operator（算子）应是 keyword、regex",
        ),
        (
            bad_rule(conditions={"a": {"operator": "regex", "pattern": "(未闭合"}}),
            "不是有效的正则表达式",
        ),
        (
            bad_rule(conditions={"a": {"operator": "keyword", "words": []}}),
            "words 应列出 1 到 2000 个词语",
        ),
        (
            bad_rule(
                conditions={"a": {"operator": "keyword", "words": ["喂"], "sentences": [2, 1]}}
            ),
            "sentences 应是 [起, 止]",
        ),
        (
            bad_rule(
                conditions={
                    "a": {
                        "operator": "keyword",
                        "words": ["喂"],
                        "relative": {"to": "b", "position": "before", "sentences": 1},
                    }
                }
            ),
            '"b" 不是本规则的另一个条件',
        ),
        (bad_rule(anchor="a", logic="not a"), "anchor 应是逻辑表达式中要求成立的条件"),
        (
            bad_rule(
                logic="a and b",
                conditions={
                    "a": {
                        "operator": "keyword",
                        "words": ["喂"],
                        "relative": {"to": "b", "position": "after", "sentences": 1},
                    },
                    "b": {
                        "operator": "keyword",
                        "words": ["好"],
                        "relative": {"to": "a", "position": "before", "sentences": 1},
                    },
                },
            ),
            "条件 a、b 相互定位，形成了循环。",
        ),
        (
            bad_rule(conditions={"a": {"operator": "silence"}}),
            "缺少 min_seconds",
        ),
        ('{"rules": [}', "第 1 行第 12 列：JSON 格式有误：缺少一个值"),
        ('{"rules": []}', "rules 应列出 1 到 500 条规则"),
    ],
)
def test_a_bad_rule_set_is_refused_in_chinese_with_its_place(text: str, message: str) -> None:
    with pytest.raises(checks.RuleSetError) as refused:
        checks.read_rules(text)
    assert message in refused.value.message


def test_a_rule_set_error_names_the_line_of_the_rule() -> None:
    with pytest.raises(checks.RuleSetError) as refused:
        checks.read_rules(bad_rule(points="五"))
    assert refused.value.message.startswith("第 3 行第 3 列（rules[0].points）：")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.floats(-1, 100) | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
CONDITION = st.fixed_dictionaries(
    {
        "operator": st.sampled_from(
            ["keyword", "regex", "silence", "speech_rate", "interruption", "x"]
        )
    },
    optional={
        "speaker": st.sampled_from(["agent", "customer", "boss"]),
        "words": st.lists(st.sampled_from(["喂", "OK", "您好", ""]), max_size=3),
        "pattern": st.sampled_from(["喂|OK", "(", "^什么[?？]$"]),
        "exclude": st.lists(st.sampled_from(["喂养", "OK镜"]), max_size=2),
        "min_seconds": st.sampled_from([0, 1, 10, -1, "五"]),
        "max_per_minute": st.sampled_from([100, 300, None]),
        "sentences": st.sampled_from([[1, 2], [-2, -1], [2, 1], [0, 1], "all"]),
        "relative": st.fixed_dictionaries(
            {
                "to": st.sampled_from(["a", "b", "c"]),
                "position": st.sampled_from(["before", "after", "around", "near"]),
                "sentences": st.sampled_from([1, 2, 0]),
            }
        ),
    },
)


@given(
    st.dictionaries(st.sampled_from(["a", "b", "not"]), CONDITION | JSON, max_size=3),
    st.sampled_from(["a", "a and not b", "not (a or b)", "a and", "b or c", "(a"]),
    st.sampled_from([None, "a", "b"]),
    st.lists(
        st.tuples(
            st.sampled_from([A, C]), st.sampled_from(["喂，您好。", "OK镜", "什么？", "好的。"])
        ),
        max_size=6,
    ),
)
def test_any_rule_set_is_read_and_run_or_refused_with_its_place(
    conditions: dict[str, Any], logic: str, anchor: str | None, lines: list[tuple[str, str]]
) -> None:
    rule: dict[str, Any] = {"id": "r", "points": 10, "cap": 30, "logic": logic}
    rule["conditions"] = conditions
    if anchor:
        rule["anchor"] = anchor
    try:
        rules = checks.read_rules(json.dumps({"rules": [rule]}, ensure_ascii=False, indent=1))
    except checks.RuleSetError as error:
        assert error.message and error.line is not None
        event("refused")
        return
    event("run")
    result = checks.check(call(*lines), rules)
    assert 70 <= result.score <= 100
    assert all(hit.text == lines[hit.sentence][1] for hit in result.hits)
    assert [hit.sentence for hit in result.hits] == sorted(hit.sentence for hit in result.hits)
