"""Tests for kefu.core.masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.masking import mask_address, mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("19912345678", "199****5678"),
        ("02583456789", "025****6789"),
        ("075586013388", "075****3388"),  # 12 digits: still exactly four asterisks
        ("09138765432", "091****5432"),
        (" 13812345678 ", "138****5678"),
        ("12345678", "123****5678"),  # shortest input with something left to hide
        ("1234567", "****"),
        ("95598", "****"),
        ("1", "****"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_phone(value: str, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("32010219900307123X", "320102********123X"),
        ("11010519491231002X", "110105********002X"),
        ("320106198502143015", "320106********3015"),
        (" 320106198502143015 ", "320106********3015"),
        ("110105491231002", "110105*****1002"),  # old 15-digit numbers keep their length
        ("1234567890", "**********"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_mask_id_number(value: str, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("江苏省南京市鼓楼区中山北路100号3栋2单元501室", "江苏省南京市鼓楼区****"),
        ("江苏省南京市雨花台区软件大道101号", "江苏省南京市雨花台区****"),
        ("南京市江宁区双龙大道1539号21世纪太阳城", "南京市江宁区****"),
        ("北京市朝阳区建国路88号", "北京市朝阳区****"),
        ("内蒙古自治区呼和浩特市新城区新华大街1号", "内蒙古自治区呼和浩特市****"),
        ("新疆维吾尔自治区乌鲁木齐市天山区", "新疆维吾尔自治区****"),  # 市 beyond 12 chars
        ("江苏省徐州市沛县汉兴路8号", "江苏省徐州市沛县****"),  # one-character county name
        ("内蒙古锡林郭勒盟正蓝旗上都镇", "内蒙古锡林郭勒盟正蓝旗****"),  # 镇 beyond 12 chars
        ("江苏省南京市溧水区东屏镇长乐村12号", "江苏省南京市溧水区东屏镇****"),
        ("安徽省六安市金寨县花石乡大湾村", "安徽省六安市金寨县花石乡****"),
        # Streets that start with a suffix character are not divisions.
        ("江苏省南京市高淳区镇兴路8号", "江苏省南京市高淳区****"),
        ("南京市鼓楼区镇江路12号", "南京市鼓楼区****"),
        ("市府路5号", "市府路****"),
        # Compound names must not leak through their 小区.
        ("南京市玄武区后宰门小区5幢301室", "南京市玄武区****"),
        ("南京市鼓楼区龙江小区3栋", "南京市鼓楼区****"),
        ("鼓楼区龙江小区3栋", "鼓楼区****"),
        ("南京市栖霞区仙林社区", "南京市栖霞区****"),
        ("南京市秦淮区苏果超市旁", "南京市秦淮区****"),
        # No division at all: the first three characters.
        ("中山北路100号", "中山北****"),
        ("龙江小区3栋", "龙江小****"),
        ("南京", "南京****"),
        ("  江苏省南京市鼓楼区中山北路100号  ", "江苏省南京市鼓楼区****"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_address(value: str, expected: str) -> None:
    assert mask_address(value) == expected


@given(st.text(max_size=60))
def test_maskers_never_raise_and_never_grow_a_secret(value: str) -> None:
    phone = mask_phone(value)
    id_number = mask_id_number(value)
    address = mask_address(value)
    stripped = value.strip()
    if not stripped:
        assert phone == id_number == address == ""
        return
    assert "****" in phone
    assert "*" in id_number
    assert address.endswith("****")
    # The kept part of an address is always a prefix of the original.
    assert stripped.startswith(address.removesuffix("****"))
    assert len(address) - 4 <= 12


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_mobile_hides_the_middle_four(number: str) -> None:
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[7:]
