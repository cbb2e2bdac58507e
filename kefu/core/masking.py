"""Masking of personal data for screens, exports and logs (脱敏显示).

Pure string functions. They never raise on odd input: masking runs while rendering lists
and exports, where one malformed legacy value must not break the whole page.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ADDRESS_MASK",
    "PHONE_MASK",
    "mask_address",
    "mask_id_number",
    "mask_phone",
    "mask_text",
]

# A fixed-width mask hides how many digits were removed, as the apps of Chinese carriers
# and banks do ("138****5678").
PHONE_MASK: Final = "****"
ADDRESS_MASK: Final = "****"

_PHONE_HEAD: Final = 3
_PHONE_TAIL: Final = 4
_ID_HEAD: Final = 6
_ID_TAIL: Final = 4

# Suffixes that end an administrative division name: 省 province, 市 city, 区 district,
# 县 county, 旗 banner (Inner Mongolia), 镇 town, 乡 township.
_ADMIN_SUFFIXES: Final = "省市区县旗镇乡"
_ADMIN_WINDOW: Final = 12
_ADDRESS_FALLBACK: Final = 3
# Words that end in a suffix character without being a division: a residential 小区 name,
# for example, identifies the customer nearly as well as the house number does.
_NON_ADMIN_WORDS: Final = (
    "小区",
    "社区",
    "园区",
    "校区",
    "厂区",
    "景区",
    "街区",
    "院区",
    "营区",
    "库区",
    "超市",
    "菜市",
    "夜市",
    "城乡",
)


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits: "13812345678" -> "138****5678".

    Anything too short to keep both ends while hiding at least one digit is masked whole.
    """
    text = value.strip()
    if not text:
        return ""
    if len(text) <= _PHONE_HEAD + _PHONE_TAIL:
        return PHONE_MASK
    return f"{text[:_PHONE_HEAD]}{PHONE_MASK}{text[-_PHONE_TAIL:]}"


def mask_id_number(value: str) -> str:
    """Keep the region code and the last 4 characters: "320102********123X".

    The middle (birth date and sequence) becomes one asterisk per character, so the masked
    value still lines up with full numbers in a table.
    """
    text = value.strip()
    if not text:
        return ""
    if len(text) <= _ID_HEAD + _ID_TAIL:
        return "*" * len(text)
    hidden = len(text) - _ID_HEAD - _ID_TAIL
    return f"{text[:_ID_HEAD]}{'*' * hidden}{text[-_ID_TAIL:]}"


def _admin_prefix_end(text: str) -> int:
    """Index just past the last administrative suffix in the window, 0 if there is none."""
    end = 0
    for index, char in enumerate(text[:_ADMIN_WINDOW]):
        if char not in _ADMIN_SUFFIXES:
            continue
        # A division has a name before its suffix; a suffix right after the previous one
        # starts a street instead (鼓楼区镇江路, 高淳区镇兴路).
        if index == end:
            continue
        if text[max(index - 1, 0) : index + 1] in _NON_ADMIN_WORDS:
            continue
        end = index + 1
    return end


def mask_address(value: str) -> str:
    """Keep only the administrative divisions of an address.

    "江苏省南京市鼓楼区中山北路100号3栋2单元501室" -> "江苏省南京市鼓楼区****".

    The prefix runs up to the last of 省/市/区/县/旗/镇/乡 in the first 12 characters;
    street names, compounds and house numbers are dropped. Without such a suffix the first
    3 characters are kept.
    """
    text = value.strip()
    if not text:
        return ""
    end = _admin_prefix_end(text) or _ADDRESS_FALLBACK
    return f"{text[:end]}{ADDRESS_MASK}"


# Numbers inside free text (a customer's notes): ID numbers, mobile and fixed-line numbers.
_ID_IN_TEXT: Final = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE_IN_TEXT: Final = re.compile(r"(?<!\d)(1\d{10}|0\d{2,3}-?\d{7,8})(?!\d)")


def mask_text(value: str) -> str:
    """Free text as pages show it: ID numbers and phone numbers written in it masked."""
    text = _ID_IN_TEXT.sub(lambda match: mask_id_number(match.group(1)), value)
    return _PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group(1)), text)
