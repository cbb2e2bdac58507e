"""Issue 16: the import page (数据导入) for administrators, through real HTTP: templates and
exports of every registered kind, uploads checked or imported in the background worker,
their progress and report, first passwords given once, and every upload refused with a
Chinese reason and never a 5xx."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from kefu.conftest import PASSWORD
from kefu.core.imports import kinds
from kefu.core.imports.runs import data_import_run
from kefu.core.models import DataImport, OrgUnit, User

HEADER = ["登录名", "姓名", "工号", "手机号", "角色", "班组", "部门", "启用"]
ROWS = [
    HEADER,
    ["zhangsan", "张三", "1001", "13800138000", "客服代表", "", "", ""],
    ["lisi", "李四", "1002", "", "班长", "", "", ""],
]


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)


@pytest.fixture
def admin(users: dict[str, User]) -> Client:
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    return client


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def upload_file(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.fixture
def upload(
    admin: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Iterator[Callable[..., Any]]:
    def post(
        name: str, content: bytes, *, kind: str = "users", dry_run: bool = False, client: Any = None
    ) -> Any:
        data: dict[str, Any] = {"kind": kind, "file": upload_file(name, content)}
        if dry_run:
            data["dry_run"] = "1"
        with django_capture_on_commit_callbacks(execute=True):
            return (client or admin).post("/imports/upload", data)

    yield post


@pytest.mark.django_db
def test_the_page_lists_every_kind_with_its_template_and_export(admin: Client) -> None:
    page = admin.get("/imports/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "数据导入" in text and "只检查不导入" in text and "100.0\xa0MB" in text
    for cls in kinds():
        assert f'data-kind="{cls.kind}"' in text
    template = admin.get("/imports/users/template")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.getvalue()))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers[:5] == ["登录名*", "姓名*", "工号", "手机号", "角色*"]
    export = admin.get("/imports/users/export")
    rows = list(load_workbook(io.BytesIO(export.getvalue())).worksheets[0].values)
    assert rows[0][0] == "登录名"
    assert ("agent", None, None, None, "客服代表") in [row[:5] for row in rows]
    assert admin.get("/imports/nothing/template").status_code == 404


@pytest.mark.django_db
def test_only_administrators_import(users: dict[str, User]) -> None:
    for role in ("agent", "manager", "leader"):
        client = Client()
        client.login(username=role, password=PASSWORD)
        assert client.get("/imports/").status_code == 403
        assert client.get("/imports/users/export").status_code == 403
        assert client.post("/imports/upload", {"kind": "users"}).status_code == 403
        assert 'href="/imports/"' not in client.get("/tickets/").content.decode()
    admin = Client()
    admin.login(username="admin", password=PASSWORD)
    assert 'href="/imports/"' in admin.get("/tickets/").content.decode()


@pytest.mark.django_db
def test_a_dry_run_then_the_import_with_progress_report_and_passwords_once(
    admin: Client, upload: Callable[..., Any], users: dict[str, User], data_dir: Path
) -> None:
    checked = upload("users.xlsx", xlsx(ROWS), dry_run=True)
    assert checked.status_code == 302
    run = DataImport.objects.get()
    assert (run.state, run.dry_run, run.rows_done) == ("done", True, 2)
    assert not User.objects.filter(username="zhangsan").exists()
    page = admin.get(checked["Location"]).content.decode()
    assert "试导入，未写入任何数据。共 2 行：新增 2" in page and "下载初始密码" not in page

    done = upload("users.xlsx", xlsx(ROWS))
    run = DataImport.objects.order_by("-pk")[0]
    assert run.state == "done" and run.report and run.report["created"] == 2
    assert User.objects.get(username="lisi").role == "leader"
    assert list((data_dir / "imports").iterdir()) == []  # the upload is gone
    page = admin.get(done["Location"]).content.decode()
    assert "下载初始密码" in page and "import_run_progress" not in page
    assert f'hx-get="/imports/runs/{run.pk}/progress"' not in page
    # The passwords: once, to the person who ran it, and never in the stored report.
    other = User.objects.create_user("admin2", password=PASSWORD, centre=users["admin"].centre)
    other.is_superuser = True
    other.save()
    someone = Client()
    someone.login(username="admin2", password=PASSWORD)
    assert someone.post(f"/imports/runs/{run.pk}/passwords").status_code == 403
    taken = admin.post(f"/imports/runs/{run.pk}/passwords")
    assert taken.status_code == 200 and "attachment" in taken["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(taken.content.decode("utf-8-sig"))))
    assert rows[0] == ["登录名", "姓名", "初始密码"] and len(rows) == 3
    for username, _name, password in rows[1:]:
        assert User.objects.get(username=username).check_password(password)
        assert password not in str(run.report) and password not in run.handout
    again = admin.post(f"/imports/runs/{run.pk}/passwords", follow=True)
    assert again.redirect_chain == [(f"/imports/runs/{run.pk}/", 302)]
    text = again.content.decode()
    assert "初始密码已被下载过：只提供一次。" in text
    history = admin.get("/imports/").content.decode()
    assert history.count("users.xlsx") == 2 and "完成" in history
    assert "<td>用户</td><td>users.xlsx</td>" in history


@pytest.mark.django_db
def test_a_queued_run_shows_its_progress_until_the_worker_has_done_it(
    admin: Client, upload: Callable[..., Any], settings: Any
) -> None:
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    response = upload("users.xlsx", xlsx(ROWS))
    run = DataImport.objects.get()
    assert run.state == "queued"
    partial = admin.get(f"/imports/runs/{run.pk}/progress").content.decode()
    assert "排队" in partial and 'hx-trigger="every 1s"' in partial and "<progress" in partial
    # The worker runs it; a second delivery of the same task finds nothing to do.
    assert data_import_run(run.pk) == "done"
    assert data_import_run(run.pk) == ""
    assert User.objects.filter(username__in=["zhangsan", "lisi"]).count() == 2
    partial = admin.get(f"/imports/runs/{run.pk}/progress").content.decode()
    assert "完成" in partial and "hx-get" not in partial and "新增 2" in partial
    assert admin.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_problems_are_listed_by_row_and_column_and_nothing_is_written(
    admin: Client, upload: Callable[..., Any]
) -> None:
    bad = [HEADER, ["zhangsan", "张三", "", "138", "话务主管", "九班", "", ""]]
    response = upload("bad.xlsx", xlsx(bad))
    run = DataImport.objects.get()
    assert run.state == "failed" and not User.objects.filter(username="zhangsan").exists()
    page = admin.get(response["Location"]).content.decode()
    assert "发现 3 个问题：没有写入任何数据。" in page
    for text in ("<th>行</th>", "<th>列</th>", "<th>问题</th>", "<th>值</th>", "不是系统中的角色"):
        assert text in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "kind", "status", "message"),
    [
        ("users.xlsx", b"", "users", 400, "文件是空的"),
        ("photo.png", b"\x89PNG\r\n\x1a\n", "users", 400, "只能导入 .xlsx、.csv、.txt 文件"),
        ("users.xlsx", b"x", "", 400, "请选择文件中的数据类型"),
    ],
)
def test_a_refused_upload_says_why_and_keeps_the_form(
    upload: Callable[..., Any], name: str, content: bytes, kind: str, status: int, message: str
) -> None:
    response = upload(name, content, kind=kind, dry_run=True)
    assert response.status_code == status
    text = response.content.decode()
    assert message in text and 'name="dry_run" value="1" checked' in text
    assert not DataImport.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_no_spreadsheet_fails_with_the_readers_reason(
    admin: Client, upload: Callable[..., Any]
) -> None:
    response = upload("users.xlsx", b"PK\x03\x04 not a zip at all")
    assert response.status_code == 302
    run = DataImport.objects.get()
    assert run.state == "failed"
    assert "工作簿已损坏" in admin.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_before_it_is_read(
    admin: Client, upload: Callable[..., Any], settings: Any
) -> None:
    settings.KEFU_IMPORT_MAX_BYTES = 100_000
    # Declared larger than the limit: refused on its Content-Length, unread.
    huge = upload("users.csv", b"a,b\r\n" * 100_000)
    assert huge.status_code == 413 and "文件超过 97.7\xa0KB" in huge.content.decode()
    # Just over, within the form's margin: the upload stops once its bytes pass the limit.
    over = upload("users.csv", b"a,b\r\n" * 21_000)
    assert over.status_code == 413 and "请拆分成几个文件" in over.content.decode()
    assert not DataImport.objects.exists()
    assert admin.get("/imports/").status_code == 200


@pytest.mark.django_db
def test_an_administrator_outside_every_centre_is_refused(centre: OrgUnit) -> None:
    User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.login(username="root", password=PASSWORD)
    assert client.get("/imports/").status_code == 403


@pytest.mark.django_db
def test_a_run_the_worker_never_finished_shows_as_failed(
    admin: Client, upload: Callable[..., Any], settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    upload("users.xlsx", xlsx(ROWS))
    run = DataImport.objects.get()
    long_ago = timezone.now() - timedelta(seconds=settings.KEFU_IMPORT_TIMEOUT + 3600)
    DataImport.objects.filter(pk=run.pk).update(state="writing", created_at=long_ago)
    partial = admin.get(f"/imports/runs/{run.pk}/progress").content.decode()
    assert "失败" in partial and "后台任务可能已被停止" in partial and "hx-get" not in partial
