from __future__ import annotations

import pytest

from kefu.knowledge.rendering import DiffLine, diff_lines, render_markdown


def test_markdown_renders_the_usual_structure() -> None:
    html = render_markdown(
        "## 欠费停电\n\n1. 缴清电费\n2. 等待复电\n\n"
        "| 渠道 | 时间 |\n|---|---|\n| 网上国网 | 24小时 |"
    )
    assert "<h2>欠费停电</h2>" in html
    assert "<ol>" in html and "<li>缴清电费</li>" in html
    assert "<table>" in html and "<td>网上国网</td>" in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[点我](javascript:alert(1))",
        '<a href="javascript:alert(1)">点我</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<svg onload=alert(1)>",
    ],
)
def test_nothing_executable_survives(attack: str) -> None:
    html = render_markdown(f"营业厅几点关门？\n\n{attack}")
    lowered = html.lower()
    for marker in ("<script", "onerror", "onload", "javascript:", "<iframe", "style=", "<svg"):
        assert marker not in lowered, (attack, html)


def test_links_keep_safe_schemes_and_open_safely() -> None:
    html = render_markdown("[网上国网](https://www.sgcc.com.cn) · [拨打95598](tel:95598)")
    assert 'href="https://www.sgcc.com.cn"' in html and 'href="tel:95598"' in html
    assert 'rel="noopener noreferrer"' in html


def test_the_diff_shows_what_changed_in_its_context() -> None:
    before = "营业时间：8:30-17:00\n地址：中山路1号"
    after = "营业时间：8:30-17:30\n地址：中山路1号"
    assert diff_lines(before, after) == [
        DiffLine("-", "营业时间：8:30-17:00"),
        DiffLine("+", "营业时间：8:30-17:30"),
        DiffLine(" ", "地址：中山路1号"),
    ]


@pytest.mark.parametrize(
    "image",
    [
        "<img src=x>",
        '<img src="https://tracker.example/pixel.gif">',
        "![示意图](https://tracker.example/pixel.gif)",
        "![示意图](/admin/logout/)",
        "![示意图](//tracker.example/a.png)",
        "![示意图](/knowledge/attachments/3/../../../admin/)",
        "![示意图](/knowledge/attachments/3/?next=https://tracker.example)",
    ],
)
def test_images_come_only_from_the_articles_attachments(image: str) -> None:
    html = render_markdown(f"如图所示：\n\n{image}")
    assert "src=" not in html, html


def test_an_attached_image_is_shown() -> None:
    html = render_markdown("![电表箱](/knowledge/attachments/12/)")
    assert '<img alt="电表箱" src="/knowledge/attachments/12/">' in html
