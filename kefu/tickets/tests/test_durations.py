"""Time limits as people write them in a spreadsheet (kefu/tickets/durations.py): read into
the product's ISO 8601 form and written back so they read the same. Pure: no database."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kefu.tickets.durations import duration_iso, duration_text, same_duration


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2小时", "PT2H"),
        ("24小时", "PT24H"),  # 002 第17篇 20: a complex complaint answered within 24 hours
        ("3个工作日", "P3D"),
        ("90分钟", "PT1H30M"),
        ("1个半小时", "PT1H30M"),
        ("半小时", "PT30M"),
        ("两小时", "PT2H"),
        ("二十四小时", "PT24H"),
        ("十五分钟", "PT15M"),
        ("1天4小时", "P1DT4H"),
        ("1.5h", "PT1H30M"),
        ("2 hours 30 minutes", "PT2H30M"),
        ("3 working days", "P3D"),
        ("PT2H", "PT2H"),
        ("p3d", "P3D"),
        ("PT90M", "PT1H30M"),
        ("0分钟", "PT0S"),
    ],
)
def test_durations_as_people_write_them(written: str, iso: str) -> None:
    assert duration_iso(written) == iso


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("两个钟", "不是时长"),
        ("", "不是时长"),
        ("2小时3", "不是时长"),
        ("2小时2小时", "不是时长"),
        ("PT", "不是时长"),
        ("P1W", "不是时长"),
        ("1.5天", "天数必须是整数"),
        ("1.01小时", "以整分钟计"),
        ("99999天", "超过十年"),
    ],
)
def test_what_is_no_duration_says_how_to_write_one(written: str, message: str) -> None:
    with translation.override("zh-hans"), pytest.raises(ValueError, match=message):
        duration_iso(written)


def test_written_back_in_chinese_with_working_days_on_office_hours() -> None:
    with translation.override("zh-hans"):
        assert duration_text("PT1H30M") == "1小时30分钟"
        assert duration_text("P3D") == "3个工作日"
        assert duration_text("P1D", working_days=False) == "1天"
        assert duration_text("PT0S") == "0分钟"
    with translation.override("en"):
        assert duration_text("P1DT2H") == "1 working day 2 hours"


@given(
    days=st.integers(0, 400),
    hours=st.integers(0, 200),
    minutes=st.integers(0, 59),
    working_days=st.booleans(),
    language=st.sampled_from(["zh-hans", "en"]),
)
def test_what_is_written_reads_back_as_the_same_limit(
    days: int, hours: int, minutes: int, working_days: bool, language: str
) -> None:
    iso = f"P{days}DT{hours}H{minutes}M"
    with translation.override(language):
        text = duration_text(iso, working_days=working_days)
        assert same_duration(duration_iso(text), iso)
