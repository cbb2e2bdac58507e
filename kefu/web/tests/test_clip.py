"""The `clip` filter: long texts in lists are shortened without leaving half a Latin word
on the page (a contact summary ending “手机Ap…” read as English to the agent)."""

from __future__ import annotations

import pytest

from kefu.web.templatetags.kefu import clip


@pytest.mark.parametrize(
    ("text", "length", "shown"),
    [
        ("短文本", 10, "短文本"),
        ("客户反映手机App无法登录", 8, "客户反映手机…"),
        ("客户反映手机App无法登录", 10, "客户反映手机App…"),
        ("户号 3201140012 查询", 8, "户号…"),
        ("电费查询和缴费", 5, "电费查询…"),
        ("Application", 5, "Appl…"),
        (None, 5, ""),
    ],
)
def test_clip_never_splits_a_latin_word(text: str | None, length: int, shown: str) -> None:
    assert clip(text, length) == shown
