"""Issue 16 in Chromium at 1366×768: an administrator brings the centre's people in from
the users template on the 数据导入 page: a dry run first, then the import, its progress
until the worker is done, the first passwords, and refused files that keep the page
usable and say in Chinese what is wrong."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.imports.runs import data_import_run
from kefu.core.models import DataImport, OrgUnit, User

pytestmark = pytest.mark.django_db(transaction=True)


def choose(tab: BrowserPage, path: Path, *, dry_run: bool) -> None:
    tab.page.select_option("select[name=kind]", "users")
    tab.page.set_input_files("input[name=file]", str(path))
    tab.page.set_checked("input[name=dry_run]", dry_run)
    tab.page.click("#import-form button[type=submit]")


def test_an_admin_imports_the_centres_people_from_the_template(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    centre = users["admin"].centre
    OrgUnit.objects.create(kind="team", code="team-1", name="一班", parent=centre)
    tab = browser_page()
    tab.sign_in("admin", PASSWORD)
    tab.goto("/imports/")
    page = tab.page
    # The upload, every kind's template and export, in the first screen.
    for selector in ("#import-form button[type=submit]", 'tr[data-kind="users"]'):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 768, selector
    assert page.locator("nav a[aria-current=page]").inner_text() == "数据导入"

    with page.expect_download() as download:
        page.click('tr[data-kind="users"] >> text=下载模板')
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "用户导入模板.xlsx"
    book = load_workbook(template)
    book.worksheets[0].append(["zhangsan", "张三", "1001", "13800138000", "客服代表", "一班"])
    book.worksheets[0].append(["lisi", "李四", "1002", "", "班长", "team-1"])
    book.save(template)

    # A dry run: the report, nothing written.
    choose(tab, template, dry_run=True)
    page.wait_for_selector(".import-summary")
    assert "试导入，未写入任何数据。共 2 行：新增 2" in page.inner_text(".import-summary")
    assert not User.objects.filter(username="zhangsan").exists()
    tab.screenshot("import-dry-run")

    # For real, through the worker: queued with its progress bar, then done.
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    tab.goto("/imports/")
    choose(tab, template, dry_run=False)
    page.wait_for_selector("#import-run progress")
    assert "排队" in page.inner_text(".import-status")
    tab.screenshot("import-queued")
    run = DataImport.objects.latest("pk")
    assert data_import_run(run.pk) == "done"
    page.wait_for_selector(".import-summary", timeout=10_000)
    assert page.inner_text(".import-summary") == "共 2 行：新增 2，更新 0，未变 0。"
    assert page.locator("#import-run progress").count() == 0
    assert set(User.objects.filter(centre=centre).values_list("username", flat=True)) >= {
        "zhangsan",
        "lisi",
    }
    with page.expect_download() as download:
        page.click("text=下载初始密码")
    passwords = tmp_path / "passwords.csv"
    download.value.save_as(passwords)
    with passwords.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert [row[0] for row in rows] == ["登录名", "zhangsan", "lisi"]
    assert User.objects.get(username="lisi").check_password(rows[2][2])
    tab.screenshot("import-done")
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}

    # A file with problems: every one by row and column, in Chinese; nothing written.
    book = load_workbook(template)
    book.worksheets[0].append(["wangwu", "王五", "1001", "138", "话务主管", "九班"])
    book.save(template)
    tab.goto("/imports/")
    choose(tab, template, dry_run=False)
    page.wait_for_selector("#import-problems")
    assert "发现 4 个问题：没有写入任何数据。" in page.inner_text(".import-summary")
    headers = page.locator("#import-problems th").all_inner_texts()
    assert headers == ["行", "列", "问题", "值"]
    first = page.locator("#import-problems tbody tr").first.locator("td").all_inner_texts()
    assert first[:2] == ["4", "工号"] and "与第 2 行工号相同" in first[2]
    assert not User.objects.filter(username="wangwu").exists()
    tab.screenshot("import-problems")

    # A file that is no spreadsheet: refused on the page itself, the choice kept.
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page.click("text=返回数据导入")
    choose(tab, picture, dry_run=True)
    page.wait_for_selector("#import-error:not([hidden])")
    assert "只能导入 .xlsx、.csv、.txt 文件" in page.inner_text("#import-error")
    assert page.input_value("select[name=kind]") == "users"
    assert page.is_checked("input[name=dry_run]")
    tab.screenshot("import-refused")
    tab.errors.clear()  # the refused post's 400 is logged by the browser
    # Still usable: the history lists every run.
    tab.goto("/imports/")
    assert page.locator("#import-history tbody tr").count() == 3
