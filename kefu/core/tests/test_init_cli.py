"""`kefu init` for real: the operator's command on a fresh data directory and database (a
new SQLite file, or a new PostgreSQL database), run twice, then `kefu serve` serving that
centre, its administrator signing in over HTTP and working the main pages and the loop."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from kefu.core.tests.live import KEFU, ROOT, _env, _free_port, _pg_admin, _pg_name, _pg_url, engine

NAME = "国网南京供电客服中心"
MAIN_PAGES = [
    "/workbench/",
    "/tickets/",
    "/knowledge/",
    "/reports/",
    "/dashboard/",
    "/wallboard/",
    "/backoffice/",
    "/contacts/",
    "/customers/",
]
# English a Chinese page may show: product, key and telephony names, abbreviations.
ALLOWED_ENGLISH = {"Excel", "Alt", "Ctrl", "Enter", "App", "kefu", "API", "VIP", "ACD", "IVR"}
ALLOWED_ENGLISH |= {"Asterisk"}
# The foreign words an agent must never say (002 第13篇 13), shown on the workbench as such.
ALLOWED_ENGLISH |= {"OK", "GOOD", "THANK", "BYEBYE", "GOODBYE"}


@dataclass
class Fresh:
    """A data directory and database nothing has touched yet."""

    data_dir: Path
    database: str  # "" on SQLite
    env: dict[str, str]

    def kefu(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603  (our own interpreter and module)
            [*KEFU, *args],
            env=self.env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,  # no terminal: nothing is asked
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database:
            with psycopg.connect(_pg_url(self.database)) as db:
                return list(db.execute(sql).fetchall())
        with sqlite3.connect(self.data_dir / "kefu.sqlite3") as lite:
            rows = list(lite.execute(sql).fetchall())
        lite.close()
        return rows

    def counts(self) -> dict[str, int]:
        if self.database:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        else:
            sql = (
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY 1"
            )
        return {
            name: int(self.query(f'SELECT count(*) FROM "{name}"')[0][0])  # noqa: S608
            for (name,) in self.query(sql)
        }


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Fresh]:
    database = _pg_name("init") if engine() == "pg" else ""
    if database:
        _pg_admin(
            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', f'CREATE DATABASE "{database}"'
        )
    env = _env(tmp_path / "data", database)
    env.pop("KEFU_TIME_ZONE", None)
    yield Fresh(tmp_path / "data", database, env)
    if database:
        _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


class _Text(HTMLParser):
    """What a person reads on a page: its text and the words in its fields, not its code."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in {"placeholder", "title", "aria-label", "alt"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    reader = _Text()
    reader.feed(html)
    words = set(re.findall(r"[A-Za-z]{3,}", " ".join(reader.parts)))
    return words - ALLOWED_ENGLISH


def sign_in(base: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None, page.text[:500]
    signed_in = client.post(
        "/login/",
        data={"csrfmiddlewaretoken": token[1], "username": username, "password": password},
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    return client


@pytest.fixture
def serve(fresh: Fresh, tmp_path: Path) -> Iterator[Any]:
    """`kefu serve` on the fresh installation, as `make run` starts it after init."""
    started: list[subprocess.Popen[bytes]] = []
    log = tmp_path / "serve.log"

    def start() -> tuple[str, str]:
        port = _free_port()
        with log.open("wb") as out:
            server = subprocess.Popen(  # noqa: S603
                [*KEFU, "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
                env=fresh.env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(server)
        deadline = time.monotonic() + 120
        while "kefu is serving on" not in log.read_text():
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        return f"http://127.0.0.1:{port}", log.read_text()

    yield start
    for server in started:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def test_init_twice_then_serve_sign_in_and_work(fresh: Fresh, serve: Any, tmp_path: Path) -> None:
    first = fresh.kefu("init", "--centre", NAME, "--admin", "zhangwei", "--calendar", "24x7")

    assert first.returncode == 0, first.stdout + first.stderr
    assert "数据库是空的：先建立数据表。" in first.stdout
    assert f"已建立客服中心「{NAME}」（代码 centre，时区 Asia/Shanghai，工作日历：7×24小时）" in (
        first.stdout
    )
    shown = re.search(r"管理员的初始密码（只显示这一次，登录后请修改）：(\S+)", first.stdout)
    assert shown is not None, first.stdout
    password = shown[1]
    after_first = fresh.counts()
    assert fresh.query("SELECT name, kind FROM core_orgunit") == [(NAME, "centre")]
    assert fresh.query("SELECT count(*) FROM tickets_timelimitpolicy")[0][0] == 6
    assert (fresh.data_dir / "time_zone").read_text() == "Asia/Shanghai\n"

    # The same again, and again without naming anything: nothing changes, exit 0.
    for args in (["--centre", NAME, "--admin", "zhangwei"], []):
        again = fresh.kefu("init", *args)
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == f"客服中心「{NAME}」已经建立，这次没有做任何改动。"
        assert "密码" not in again.stdout
        assert fresh.counts() == after_first

    # Another centre: said clearly, nothing changed, and a failure a script can see.
    other = fresh.kefu("init", "--centre", "另一个客服中心", "--admin", "lisi")
    assert other.returncode == 1
    assert f"这个数据库里已经有客服中心「{NAME}」，kefu init 没有做任何改动。" in other.stderr
    assert fresh.counts() == after_first

    # `make run`'s demo step leaves the real centre alone.
    demo = fresh.kefu("demo", "--if-empty")
    assert demo.returncode == 0, demo.stderr
    assert f"这个数据库里已经有「{NAME}」，不加载演示数据。" in demo.stdout
    assert fresh.counts() == after_first

    # The telephone platform's file lands in the centre.
    queue_log = tmp_path / "queue_log"
    queue_log.write_text("1764900000|call.1|hotline|NONE|ENTERQUEUE||13812345678|1\n")
    imported = fresh.kefu("telephony", "import", str(queue_log))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert fresh.query(
        "SELECT q.name, o.name FROM telephony_queue q JOIN core_orgunit o ON o.id = q.centre_id"
    ) == [("hotline", NAME)]

    base, said = serve()
    assert f"正在服务「{NAME}」。" in said
    client = sign_in(base, "zhangwei", password)
    for path in MAIN_PAGES:
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<html lang="zh-hans"' in page.text, path
        # What is not the product's: the user's own name, the queue the platform named.
        assert english_words(page.text) - {"zhangwei", "hotline"} == set(), path
    assert "还没有工单。" in client.get("/tickets/").text
    assert "知识库里还没有知识。" in client.get("/knowledge/").text
    assert "还没有来电原因分类" in client.get("/workbench/").text

    # The loop on the first day: a consultation handled in the centre, from acceptance to
    # the callback, each stage under the default limits.
    api = httpx.Client(base_url=f"{base}/api/v1", timeout=30)
    token = api.post("/auth/token", json={"username": "zhangwei", "password": password})
    assert token.status_code == 200, token.text
    api.headers["Authorization"] = f"Bearer {token.json()['token']}"
    customer = api.post("/customers", json={"name": "王建国", "phones": ["13812345678"]})
    assert customer.status_code == 201, customer.text
    order = api.post(
        "/tickets",
        json={"customer_id": customer.json()["id"], "kind": "consultation", "title": "电价咨询"},
    )
    assert order.status_code == 201, order.text
    ticket = order.json()
    assert ticket["stage_due_at"] is not None
    steps: list[tuple[str, dict[str, Any]]] = [
        ("handle_in_centre", {}),
        ("return", {"result": "已解释阶梯电价。"}),
        ("verify", {}),
        ("reply", {"channel": "phone", "text": "已电话答复。"}),
        ("callback", {"satisfied": True, "note": "客户满意"}),
    ]
    for action, fields in steps:
        step = api.post(
            f"/tickets/{ticket['number']}/{action}", json={"version": ticket["version"], **fields}
        )
        assert step.status_code == 200, (action, step.text)
        ticket = step.json()
    assert ticket["state"] == "closed"
    assert ticket["number"] in client.get("/tickets/").text


def test_init_asks_in_chinese_on_a_terminal(fresh: Fresh, tmp_path: Path) -> None:
    """No options on a terminal: each question in Chinese with its default in brackets; the
    answers given (a time zone, round the clock, a password typed twice) are what it sets up."""
    answers = [
        ("客服中心名称 [客服中心]: ", "\n"),
        ("时区 [Asia/Shanghai]: ", "Asia/Urumqi\n"),
        ("请选择 1 或 2 [1]: ", "2\n"),
        ("管理员用户名 [admin]: ", "\n"),
        ("管理员密码（直接回车则自动生成）：", "short\n"),
        ("密码太短", ""),
        ("管理员密码（直接回车则自动生成）：", "first-day-2026\n"),
        ("再输入一次密码：", "first-day-2026\n"),
    ]
    pid, terminal = pty.fork()
    if pid == 0:  # the child: `kefu init` on a terminal of its own
        os.chdir(ROOT)
        os.execve(sys.executable, [*KEFU, "init"], fresh.env)  # noqa: S606
    said = b""
    seen = 0
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if not select.select([terminal], [], [], 1)[0]:
            continue
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the child has finished
            break
        if not chunk:
            break
        said += chunk
        text = said.decode(errors="replace")
        while answers and (found := text.find(answers[0][0], seen)) >= 0:
            seen = found + len(answers[0][0])
            os.write(terminal, answers.pop(0)[1].encode())
    _pid, status = os.waitpid(pid, 0)
    text = said.decode(errors="replace")

    assert os.waitstatus_to_exitcode(status) == 0, text
    assert answers == [], text
    assert "工作时间（按国家法定节假日和调休）" in text and "7×24小时（全天候）" in text
    assert "已建立客服中心「客服中心」（代码 centre，时区 Asia/Urumqi，工作日历：7×24小时）" in text
    assert "初始密码" not in text
    assert fresh.query("SELECT username FROM core_user") == [("admin",)]
    # Every later start runs in the centre's zone.
    zone = fresh.kefu(
        "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.TIME_ZONE)"
    )
    assert zone.stdout.strip() == "Asia/Urumqi", zone.stderr
    # …and a backup carries it with the keys.
    archive = tmp_path / "kefu.tar.gz"
    backed_up = fresh.kefu("backup", str(archive))
    assert backed_up.returncode == 0, backed_up.stdout + backed_up.stderr
    with tarfile.open(archive) as members:
        recorded = members.extractfile("keys/time_zone")
        assert recorded is not None and recorded.read() == b"Asia/Urumqi\n"


def test_init_without_a_terminal_needs_the_centre_and_its_administrator(fresh: Fresh) -> None:
    bare = fresh.kefu("init")
    assert bare.returncode == 1
    assert "没有终端可以询问，请在命令中写明客服中心和管理员：kefu init --centre" in bare.stderr
    conflicting = fresh.kefu(
        "init", "--centre", NAME, "--admin", "zhangwei", "--time-zone", "Asia/Urumqi"
    )
    assert conflicting.returncode == 0, conflicting.stderr
    fresh.env["KEFU_TIME_ZONE"] = "Asia/Shanghai"
    refused = fresh.kefu("init", "--centre", NAME, "--time-zone", "Asia/Urumqi")
    assert refused.returncode == 1
    assert "KEFU_TIME_ZONE 是 Asia/Shanghai，与 --time-zone Asia/Urumqi 不一致" in refused.stderr


def _filled(fresh: Fresh, kind: str, path: Path, rows: list[dict[str, str]]) -> Path:
    """The kind's own template (`kefu import template`), filled in as a centre's admin
    would: one row per record under the Chinese headers."""
    from openpyxl import load_workbook

    made = fresh.kefu("import", "template", kind, "-o", str(path))
    assert made.returncode == 0, made.stdout + made.stderr
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = [str(cell.value).rstrip("*") for cell in sheet[1]]
    for row in rows:
        assert set(row) <= set(headers), (kind, set(row) - set(headers))
        sheet.append([row.get(header, "") for header in headers])
    book.save(path)
    return path


PEOPLE = [
    # 登录名, 姓名, 工号, 角色, 班组, 部门
    ("liuyang", "刘洋", "1001", "客服代表", "一班", ""),
    ("chenjing", "陈静", "1002", "客服代表", "一班", ""),
    ("zhaolei", "赵磊", "", "后台", "", ""),
    ("sunli", "孙丽", "", "业务部门处理人", "", "抢修中心"),
    ("zhoumin", "周敏", "", "班长", "一班", ""),
    ("wugang", "吴刚", "", "主管", "", ""),
    ("qianfang", "钱芳", "", "知识管理员", "", ""),
]


def test_a_real_centres_first_day_from_its_own_spreadsheets(
    fresh: Fresh, serve: Any, tmp_path: Path
) -> None:
    """Issue 16: `kefu init`, the centre's own files in the templates (organisation, people,
    call reasons, customers, a knowledge document), the telephone platform's file, then
    `kefu serve`: each role signs in and works with the centre's own data."""
    init = fresh.kefu("init", "--centre", NAME, "--admin", "zhangwei", "--password", "Admin-2026!")
    assert init.returncode == 0, init.stdout + init.stderr

    org = _filled(
        fresh,
        "org",
        tmp_path / "组织.xlsx",
        [
            {"类型": "班组", "编码": "team-1", "名称": "一班"},
            {"类型": "部门", "编码": "repair", "名称": "抢修中心"},
            {"类型": "区域", "编码": "320000", "名称": "江苏省"},
            {"类型": "区域", "编码": "320100", "名称": "南京市", "上级": "320000"},
            {"类型": "区域", "编码": "320106", "名称": "鼓楼区", "上级": "320100"},
        ],
    )
    people = [
        {"登录名": u, "姓名": n, "工号": e, "角色": r, "班组": t, "部门": d, "启用": "是"}
        for u, n, e, r, t, d in PEOPLE
    ]
    for person in people[1:]:
        person["初始密码"] = "First-day-2026"
    users = _filled(fresh, "users", tmp_path / "人员.xlsx", people)
    reasons = _filled(
        fresh,
        "call-reasons",
        tmp_path / "来电原因.xlsx",
        [
            {"维度": "业务种类", "代码": "power_cut", "名称": "停电"},
            {"维度": "服务内容", "上级": "停电", "代码": "no_power", "名称": "无电"},
        ],
    )
    customers = _filled(
        fresh,
        "customers",
        tmp_path / "客户档案.xlsx",
        [
            {
                "户号": "0101234567",
                "姓名": "王建国",
                "电话": "13812345678",
                "地址": "江苏省南京市鼓楼区中山北路100号",
                "地域": "320106",
                "客户等级": "一般客户",
            }
        ],
    )
    article = tmp_path / "停电报修流程.md"
    article.write_text(
        "# 停电报修流程\n\n1. 核实户号和地址。\n2. 查询停电信息。\n", encoding="utf-8"
    )

    passwords = tmp_path / "passwords.csv"
    for args in (
        ["org", str(org)],
        ["users", str(users), "-o", str(passwords)],
        ["call-reasons", str(reasons)],
        ["customers", str(customers)],
        ["knowledge", str(article), "--as", "qianfang"],
    ):
        dry = fresh.kefu("import", *args, "--dry-run")
        assert dry.returncode == 0 and "试导入" in dry.stdout, dry.stdout + dry.stderr
        done = fresh.kefu("import", *args)
        assert done.returncode == 0, done.stdout + done.stderr
    # The one person without a first password in the file got a generated one, kept only
    # in the file the import wrote.
    generated = {row[0]: row[2] for row in _csv_rows(passwords)[1:]}
    assert list(generated) == ["liuyang"]
    assert fresh.query("SELECT count(*) FROM customers_customer")[0][0] == 1

    # The telephone platform logs the agents by their employee numbers (工号).
    queue_log = tmp_path / "queue_log"
    queue_log.write_text(
        "1764900000|c1|hotline|NONE|ENTERQUEUE||13812345678|1\n"
        "1764900005|c1|hotline|Agent/1001|CONNECT|5|c1|3\n"
        "1764900100|c1|hotline|Agent/1001|COMPLETECALLER|5|95|1\n"
    )
    imported = fresh.kefu("telephony", "import", str(queue_log))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert fresh.query(
        "SELECT a.name, u.username FROM telephony_agent a JOIN core_user u ON u.id = a.user_id"
    ) == [("Agent/1001", "liuyang")]

    base, _said = serve()
    pages = {
        "liuyang": ("/workbench/?caller=13812345678", "王建国"),
        "chenjing": ("/workbench/", "停电"),
        "zhaolei": ("/backoffice/", NAME),
        "sunli": ("/department/", "抢修中心"),
        "zhoumin": ("/tickets/leaders/", NAME),
        "wugang": ("/dashboard/", NAME),
        "qianfang": ("/knowledge/", "停电报修流程"),
        "zhangwei": ("/customers/", "王建国"),
    }
    for username, (path, shown) in pages.items():
        password = generated.get(username) or (
            "Admin-2026!" if username == "zhangwei" else "First-day-2026"
        )
        page = sign_in(base, username, password).get(path)
        assert page.status_code == 200, (username, path)
        assert shown in page.text, (username, path)


def _csv_rows(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))
