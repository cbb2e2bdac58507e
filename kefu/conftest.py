"""Fixtures shared by every app's tests: a small centre, one user per role, API clients."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState
from django.test import Client
from hypothesis import settings as hypothesis_settings

from kefu.core.models import OrgUnit, Region, User, WorkCalendar
from kefu.core.roles import ROLES
from kefu.core.services import user_create
from kefu.customers.models import Tag

PASSWORD = "test-pass-2026"
# Hypothesis's per-example deadline is a timed assertion: on a loaded machine it fails
# tests whose code is right. Speed is measured by the benchmarks in bench/ instead.
hypothesis_settings.register_profile("kefu", deadline=None)
hypothesis_settings.load_profile("kefu")
pytest_plugins = ["kefu.browser"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """SQLite tests run on a file in WAL mode, as the product does: Django's default
    shared-cache memory database locks whole tables between connections, so the
    concurrency tests would meet errors that the product never sees."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "kefu.core.sqlite":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "test.sqlite3"
        )


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Uploaded files (attachments, customer documents, the demo's) never land in var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}


@pytest.fixture(autouse=True)
def _fresh_vocabulary() -> None:
    """Each test's centre has its own words: the segmenter learns them anew, as a new
    process would, not the words of the tests before."""
    from kefu.knowledge.queries import vocabulary_forget

    vocabulary_forget()


@pytest.fixture(autouse=True)
def _clear_cache(_fast_settings: None) -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def centre(db: None) -> OrgUnit:
    calendar = WorkCalendar.objects.create(
        name="workhours", title="工作时间", kind=WorkCalendar.Kind.WORKING_HOURS
    )
    return OrgUnit.objects.create(
        kind=OrgUnit.Kind.CENTRE, code="test-centre", name="测试客服中心", calendar=calendar
    )


@pytest.fixture
def other_centre(db: None) -> OrgUnit:
    return OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="other", name="另一个中心")


@pytest.fixture
def department(centre: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="repair", name="抢修", parent=centre
    )


@pytest.fixture
def region(db: None) -> Region:
    province = Region.objects.create(code="320000", name="江苏省")
    city = Region.objects.create(code="320100", name="南京市", parent=province)
    return Region.objects.create(code="320106", name="鼓楼区", parent=city)


@pytest.fixture
def tags(db: None) -> dict[str, Tag]:
    return {
        code: Tag.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("sensitive", "敏感"), ("dissatisfied", "不满意")]
    }


@pytest.fixture
def make_user(centre: OrgUnit, department: OrgUnit) -> Callable[..., User]:
    def make(role: str, username: str | None = None, **extra: Any) -> User:
        extra.setdefault("centre", centre)
        if role == "handler":
            extra.setdefault("department", department)
        return user_create(username=username or role, password=PASSWORD, role=role, **extra)

    return make


@pytest.fixture
def users(make_user: Callable[..., User]) -> dict[str, User]:
    """One user per role, named after the role."""
    return {role: make_user(role) for role in ROLES}


class ApiClient:
    """Real requests through Django's handler, signed in with a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        call = getattr(self.client, method.lower())
        if method.upper() in {"GET", "DELETE"}:
            return call(path, data=query or None, headers=self.headers)
        return call(path, data=body, content_type="application/json", headers=self.headers)

    def get(self, path: str, **query: Any) -> Any:
        return self.request("GET", path, **query)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("PATCH", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("PUT", path, body)


def token_for(username: str, password: str = PASSWORD) -> str:
    response = Client().post(
        "/api/v1/auth/token",
        data={"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


@pytest.fixture
def api_as(users: dict[str, User]) -> Callable[[str], ApiClient]:
    def client(role: str) -> ApiClient:
        return ApiClient(token_for(users[role].username))

    return client


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at once; each one's result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@contextmanager
def migrated_back_to(targets: list[tuple[str, str]]) -> Iterator[ProjectState]:
    """The schema as it stood at `targets`, for a test of a data migration: yields that
    state, whose models write the old rows; on leaving, always, every migration is applied
    again. The signals the migrate command sends are sent too (SQLite's search triggers
    are dropped before and made after, kefu/tickets/apps.py), so a failed test leaves the
    schema whole for the tests after it."""
    emit_pre_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        yield executor.loader.project_state(targets)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
