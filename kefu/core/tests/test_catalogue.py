"""The Chinese catalogue (kefu/locale/zh_Hans): each message translated once. A message
defined twice (two branches adding it) compiles with whichever comes last, so a page
could read 日 where 日期 was meant; GNU msgfmt refuses such a file outright."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import kefu

CATALOGUE = Path(kefu.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# One entry's context (if any) and id, each possibly continued on "…" lines.
ENTRY = re.compile(
    r'^(?:msgctxt ("(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\n)?'
    r'msgid ("(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)$',
    re.MULTILINE,
)


def test_every_message_is_defined_once() -> None:
    keys = Counter(ENTRY.findall(CATALOGUE.read_text(encoding="utf-8")))
    assert len(keys) > 1000
    assert [key for key, count in keys.items() if count > 1] == []
