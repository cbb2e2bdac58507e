"""What an agent types in a coded box becomes a code: names with their path, never codes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.contacts.labels import Resolved, path_label, resolve

REASONS = {
    "bill_query": ("电费电价", "电费查询"),
    "tariff": ("电费电价", "电价咨询"),
    "service_attitude": ("服务投诉", "服务态度"),
    "repair_other": ("故障报修", "其他"),
    "fees_other": ("电费电价", "其他"),
}


def test_the_shown_label_is_the_path_of_names() -> None:
    assert path_label(REASONS["bill_query"]) == "电费电价 › 电费查询"
    assert path_label(("", "停电")) == "停电"


def test_the_whole_path_the_name_alone_and_the_code_are_accepted() -> None:
    for typed in ("电费电价 › 电费查询", "电费电价>电费查询", "电费电价 / 电费查询", "电费查询"):
        assert resolve(typed, REASONS) == Resolved("bill_query"), typed
    assert resolve("  服务态度 ", REASONS) == Resolved("service_attitude")
    assert resolve("service_attitude", REASONS) == Resolved("service_attitude")


def test_a_name_two_choices_share_asks_for_the_path() -> None:
    found = resolve("其他", REASONS)
    assert found.code is None
    assert found.ambiguous == ("故障报修 › 其他", "电费电价 › 其他")
    assert resolve("故障报修 › 其他", REASONS) == Resolved("repair_other")


def test_an_unknown_name_is_none() -> None:
    assert resolve("服务态度差", REASONS) == Resolved(None)
    assert resolve("", REASONS) == Resolved(None)
    assert resolve(" › ", REASONS) == Resolved(None)


@given(st.sampled_from(sorted(REASONS)))
def test_every_shown_label_comes_back_as_its_code(code: str) -> None:
    assert resolve(path_label(REASONS[code]), REASONS) == Resolved(code)


@given(st.text(max_size=30))
def test_any_text_resolves_to_a_known_code_or_none(text: str) -> None:
    found = resolve(text, REASONS)
    assert found.code is None or found.code in REASONS


def test_a_name_with_a_slash_in_it_still_matches() -> None:
    choices = {"outage": ("故障报修", "停电/限电")}
    assert resolve("故障报修 › 停电/限电", choices) == Resolved("outage")
    assert resolve("停电/限电", choices) == Resolved("outage")
