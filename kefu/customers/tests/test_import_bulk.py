"""A first import of a large archive into an empty one (issue 16 point 4): on SQLite it is
loaded in bulk, in one transaction, its secondary indexes dropped and built again inside
it; a failure part-way leaves the archive as it was, indexes included. Elsewhere, and for
an archive that holds customers already, the import stays per batch."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.db import connection

from kefu.core.crypto import blind_index
from kefu.core.imports import Report, import_file
from kefu.core.models import OrgUnit, Region
from kefu.customers.imports import kind
from kefu.customers.models import Customer, Tag

pytestmark = pytest.mark.django_db

HEADER = ["户号", "户名", "联系电话", "身份证号", "用电地址", "区域", "客户级别", "标签"]


def _rows(count: int) -> list[list[str]]:
    return [
        [
            f"0201{n:06d}",
            f"客户{n}",
            f"138{n:08d}、025-8{n:07d}",
            "11010519491231002X" if n == 3 else "",
            f"江苏省南京市鼓楼区中山北路{n}号",
            "320106",
            "VIP 客户" if n % 2 else "",
            "敏感" if n == 4 else "",
        ]
        for n in range(1, count + 1)
    ]


def _file(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "archive.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([HEADER, *rows])
    return path


def _run(path: Path, centre: OrgUnit, *, dry_run: bool = False) -> Report:
    return import_file("customers", path, centre=centre, actor=None, dry_run=dry_run)


def _indexes() -> list[tuple[str, str]]:
    """The customer tables' indexes as the database has them (SQLite's schema; the names
    and columns on PostgreSQL)."""
    tables = ("customers_customer", "customers_customerphone", "customers_customer_tags")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name IN (%s, %s, %s) ORDER BY name",
                tables,
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN (%s, %s, %s) "
                "ORDER BY indexname",
                tables,
            )
        return [(str(name), str(sql)) for name, sql in cursor.fetchall()]


@pytest.fixture
def small_bulk(monkeypatch: pytest.MonkeyPatch, region: Region, tags: dict[str, Tag]) -> None:
    """A 'large' file is 6 rows here, written 2 rows a batch."""
    monkeypatch.setattr(kind, "BULK_ROWS", 6)
    monkeypatch.setattr(kind.CustomerImporter, "batch_size", 2)


def test_a_first_import_into_an_empty_archive_is_loaded_whole_with_its_indexes_rebuilt(
    centre: OrgUnit, small_bulk: None, tmp_path: Path
) -> None:
    indexes = _indexes()
    report = _run(_file(tmp_path, _rows(7)), centre)
    assert report.ok and report.written and report.created == 7
    assert report.rows_written == 7
    # SQLite: one transaction for the file, so the report no longer speaks of batches.
    assert report.per_batch is (connection.vendor != "sqlite")
    assert _indexes() == indexes
    # What the rebuilt indexes serve finds the customers.
    assert Customer.objects.get(phones__number="13800000005").name == "客户5"
    assert Customer.objects.get(phones__number="02580000002").name == "客户2"
    assert Customer.objects.get(id_number_index=blind_index("11010519491231002X")).name == "客户3"
    assert [c.name for c in Customer.objects.filter(name="客户6")] == ["客户6"]
    assert list(Customer.objects.get(name="客户4").tags.values_list("code", flat=True)) == [
        "sensitive"
    ]


def test_a_bulk_load_refused_part_way_leaves_the_archive_as_it_was_indexes_included(
    centre: OrgUnit, small_bulk: None, tmp_path: Path
) -> None:
    """The database refuses the fourth batch's customer (a trigger stands in for a full
    disk or a crash): nothing of the file stays, and every index is there again."""
    indexes = _indexes()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_7 BEFORE INSERT ON customers_customer "
                "WHEN NEW.account_number = '0201000007' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_7() RETURNS trigger AS $$ BEGIN "
                "IF NEW.account_number = '0201000007' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_7 BEFORE INSERT ON customers_customer "
                "FOR EACH ROW EXECUTE FUNCTION refuse_7()"
            )
    report = _run(_file(tmp_path, _rows(8)), centre)
    assert not report.ok
    assert "refused" in report.problems[0].message
    if connection.vendor == "sqlite":
        assert not report.written and report.rows_written == 0
        assert not Customer.objects.exists()
    else:  # per batch: the first three batches stay, and the report says how many rows
        assert report.written and report.rows_written == 6
        assert Customer.objects.count() == 6
    assert _indexes() == indexes


def test_an_archive_that_holds_customers_or_a_dry_run_stays_per_batch(
    centre: OrgUnit, small_bulk: None, tmp_path: Path
) -> None:
    path = _file(tmp_path, _rows(7))
    dry = _run(path, centre, dry_run=True)
    assert dry.ok and dry.per_batch and not Customer.objects.exists()
    Customer.objects.create(centre=centre, name="已有客户")
    report = _run(path, centre)
    assert report.ok and report.created == 7
    # One customer already is more than a tenth of 7 rows: written batch by batch.
    assert report.per_batch is True
