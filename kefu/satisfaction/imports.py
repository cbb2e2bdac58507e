"""The dates customers are due something, from a spreadsheet (`kefu import customer-dates`,
issue 19 point 4), and out to one in the same shape: a meter calibration, a contract's or
a prepaid balance's expiry, a planned visit, which the reminder plans remind of.

One row per date: the customer's account number (户号), the kind of date by its Chinese
(or English) label, the date, and what is due (事项, optional; the reminder's {事项}).

A re-import finds each date again rather than adding it twice: a row whose customer
already has a date of that kind on that day is that date (its 事项 updated if it
changed); otherwise the customer's latest date of that kind with the same 事项 moves to
the row's day (a calibration done, the next one due). A date some reminder was already
written for is kept as it is (the record of what was reminded) and the new day becomes a
date of its own, so the whole plan runs again for it. A date missing from the file is
never deleted. Within one file, a customer, kind and 事项, or a customer, kind and day,
appear once.

Written like the customer archive: the rows read as a stream, a batch (`BATCH`) at a
time; each batch's accounts and existing dates looked up in one query each, new dates
inserted in bulk and moved ones updated in one executemany; the duplicates within the
file kept in a private temporary SQLite table, so memory stays flat. The file is written
in one transaction: all or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu.core.errors import Forbidden
from kefu.core.imports import Column, Importer, Report, Row
from kefu.core.roles import MANAGE_OUTREACH
from kefu.customers.imports.values import Seen
from kefu.customers.models import Customer
from kefu.satisfaction.models import CustomerDate, DateKind, Reminder

#: Rows checked and written at a time.
BATCH = 5000
#: Dates exported per query.
EXPORT_CHUNK = 5000
NOTE_LENGTH = 200
ACCOUNT_LENGTH = 32
_SEP = "\x1f"
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?$"
)
_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def due_date(text: str) -> dt.date | None:
    """A day as people and spreadsheets write it: 2027-03-01, 2027/3/1, 2027.3.1,
    2027年3月1日, 20270301 (a date cell reads as 2027-03-01); None for anything else or a
    day the calendar has not (2027-02-30), or one outside the years 1900 to 2199."""
    value = text.strip()
    found = _DATE.match(value) or _DIGITS.match(value)
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    if not 1900 <= year < 2200:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def kind_names() -> dict[str, str]:
    """Every way a file may name a kind of date (Chinese, English, the code) → the code."""
    names: dict[str, str] = {}
    for value, label in DateKind.choices:
        names[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(label).strip().lower()] = value
    return names


class Record(NamedTuple):
    row: int
    customer: int
    kind: str
    date: dt.date
    note: str


class CustomerDates(Importer[tuple[Any, ...]]):
    kind = "customer-dates"
    title = gettext_lazy("Customer due dates")
    batch_size = BATCH
    spool = True
    columns = (
        Column(
            "account",
            gettext_lazy("Account number"),
            required=True,
            help=gettext_lazy(
                "The account number of a customer kefu has (import the customers first)."
            ),
            example="0101234567",
            aliases=("用户编号", "用电户号", "客户编号", "账户号"),
        ),
        Column(
            "kind",
            pgettext_lazy("import column", "Date kind"),
            required=True,
            help=gettext_lazy("One of 计量校验, 合同到期, 预付费余额到期, 预约上门."),
            example="计量校验",
            aliases=("类型", "日期类别", "事件", "提醒类型"),
        ),
        Column(
            "date",
            pgettext_lazy("import column", "Due date"),
            required=True,
            help=gettext_lazy("The day it is due: 2027-03-01, 2027/3/1 or 2027年3月1日."),
            example="2027-03-01",
            aliases=("日期", "到期日", "截止日期", "计划日期"),
        ),
        Column(
            "note",
            pgettext_lazy("import column", "What is due"),
            help=gettext_lazy(
                "What the reminder names ({事项}), up to 200 characters; blank: the kind."
            ),
            example="电能表周期检定",
            aliases=("事项", "内容", "说明", "备注"),
        ),
    )
    notes = (
        gettext_lazy(
            "Importing again finds each date by customer, kind and day (its 事项 updated), "
            "or by customer, kind and 事项 (its day moved), and never adds it twice."
        ),
        gettext_lazy(
            "A date already reminded of keeps its day; the new day becomes a date of its "
            "own and is reminded of again. A date missing from the file is not deleted."
        ),
    )
    examples = (
        ("0101234567", "计量校验", "2027-03-01", "电能表周期检定"),
        ("0101234567", "合同到期", "2027-06-30", "供用电合同"),
        ("0101234568", "预付费余额到期", "2027/1/15", ""),
        ("0101234569", "预约上门", "2027年1月8日", "上门核查表计"),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kinds = kind_names()
        self.allowed: bool | None = None
        self.by_what: Seen | None = None
        self.by_day: Seen | None = None

    # -- check ---------------------------------------------------------------------------

    def check(self, rows: Sequence[Row], report: Report) -> list[tuple[Any, ...]]:
        if self.allowed is None:
            self.allowed = self.actor is None or self.actor.has_perm(MANAGE_OUTREACH)
            if not self.allowed:
                report.problem(None, "", _("You may not keep the customers' due dates."))
        if not self.allowed:
            return []
        # The batch's problems gathered first, then reported in the order of the rows.
        found = Report(kind=self.kind, file_name="", dry_run=True)
        parsed = [(row, self._parse(row, found)) for row in rows]
        refused = self._repeated(rows, found)
        accounts = {row["account"] for row, values in parsed if values is not None}
        customers = self._customers(accounts)
        records: list[tuple[Any, ...]] = []
        for row, values in parsed:
            if values is None:
                continue
            customer = customers.get(row["account"])
            if customer is None:
                self.problem(
                    found,
                    row,
                    "account",
                    _("No customer of the centre has this account number."),
                )
                continue
            if row.number in refused:
                continue
            kind, day, note = values
            records.append(tuple(Record(row.number, customer, kind, day, note)))
        for problem in sorted(found.problems, key=lambda problem: problem.row or 0):
            report.problem(problem.row, problem.column, problem.message, problem.value)
        report.problem_count += found.problem_count - len(found.problems)  # beyond those listed
        return records

    def _parse(self, row: Row, report: Report) -> tuple[str, dt.date, str] | None:
        ok = True
        account = row["account"]
        if not account:
            self.problem(report, row, "account", _("Required."))
            ok = False
        elif len(account) > ACCOUNT_LENGTH:
            self.problem(
                report,
                row,
                "account",
                _("Too long: at most %(limit)d characters.") % {"limit": ACCOUNT_LENGTH},
            )
            ok = False
        kind = self.kinds.get(row["kind"].strip().lower())
        if not row["kind"]:
            self.problem(report, row, "kind", _("Required."))
            ok = False
        elif kind is None:
            labels = "、".join(str(label) for label in DateKind.labels)
            self.problem(
                report,
                row,
                "kind",
                _("Unknown kind of date: write one of %(kinds)s.") % {"kinds": labels},
            )
            ok = False
        day = due_date(row["date"])
        if not row["date"]:
            self.problem(report, row, "date", _("Required."))
            ok = False
        elif day is None:
            self.problem(
                report,
                row,
                "date",
                _("Not a date: write it as 2027-03-01, 2027/3/1 or 2027年3月1日."),
            )
            ok = False
        note = row["note"].strip()
        if len(note) > NOTE_LENGTH:
            self.problem(
                report,
                row,
                "note",
                _("Too long: at most %(limit)d characters.") % {"limit": NOTE_LENGTH},
            )
            ok = False
        if not ok or kind is None or day is None:
            return None
        return kind, day, note

    def _repeated(self, rows: Sequence[Row], report: Report) -> set[int]:
        """The rows repeating an earlier row's customer, kind and 事项, or customer, kind
        and day, each reported with the row that had it first."""
        if self.writing:  # the check pass found none; the file has not changed since
            return set()
        if self.by_what is None or self.by_day is None:
            self.by_what, self.by_day = Seen(), Seen()
        repeated: set[int] = set()
        for seen, message in (
            (self.by_what, _("The same customer, kind and 事项 as row %(row)d.")),
            (self.by_day, _("The same customer, kind and day as row %(row)d.")),
        ):
            first: dict[str, int] = {}
            again: dict[int, int] = {}
            for row in rows:
                kind = self.kinds.get(row["kind"].strip().lower())
                day = due_date(row["date"])
                if not row["account"] or kind is None or day is None:
                    continue
                second = row["note"].strip() if seen is self.by_what else day.isoformat()
                key = _SEP.join((row["account"], kind, second))
                if key in first:
                    again[row.number] = first[key]
                else:
                    first[key] = row.number
            earlier = seen.earlier(first)
            for key, number in first.items():
                if key in earlier:
                    again[number] = earlier[key]
            by_number = {row.number: row for row in rows}
            for number, before in sorted(again.items()):
                if number not in repeated:
                    self.problem(report, by_number[number], "account", message % {"row": before})
                repeated.add(number)
        return repeated

    def _customers(self, accounts: set[str]) -> dict[str, int]:
        if not accounts:
            return {}
        found = Customer.objects.filter(centre=self.centre, account_number__in=accounts)
        return {account: pk for account, pk in found.values_list("account_number", "pk") if account}

    # -- write ---------------------------------------------------------------------------

    def write(self, records: list[Any], report: Report) -> None:
        batch = [Record._make(record) for record in records]
        if not batch:
            return
        existing = (
            CustomerDate.objects.filter(
                centre=self.centre, customer_id__in={record.customer for record in batch}
            )
            .order_by("pk")
            .values_list("pk", "customer_id", "kind", "date", "note")
        )
        on_day: dict[tuple[int, str, dt.date], list[Any]] = {}
        by_what: dict[tuple[int, str, str], list[Any]] = {}
        for pk, customer, kind, day, note in existing:
            entry = [pk, day, note]
            on_day[(customer, kind, day)] = entry
            by_what[(customer, kind, note)] = entry  # the latest of them, by id
        moving = [
            by_what[(r.customer, r.kind, r.note)][0]
            for r in batch
            if (r.customer, r.kind, r.date) not in on_day
            and (r.customer, r.kind, r.note) in by_what
        ]
        reminded = set(
            Reminder.objects.filter(customer_date_id__in=moving)
            .values_list("customer_date_id", flat=True)
            .distinct()
            if moving
            else ()
        )
        labels = self.labels
        kinds = dict(DateKind.choices)
        updates: list[tuple[dt.date, str, int]] = []
        new: list[tuple[Any, ...]] = []
        for record in batch:
            same_day = on_day.get((record.customer, record.kind, record.date))
            if same_day is not None:
                if same_day[2] == record.note:
                    report.unchanged += 1
                    continue
                pk, day, note = same_day
                by_what.pop((record.customer, record.kind, note), None)
                same_day[2] = record.note
                by_what[(record.customer, record.kind, record.note)] = same_day
                updates.append((day, record.note, pk))
                report.updated += 1
                report.change(
                    record.row,
                    f"{kinds[record.kind]} {day.isoformat()}",
                    f"{labels['note']}：{note or '—'} → {record.note or '—'}",
                )
                continue
            earlier = by_what.get((record.customer, record.kind, record.note))
            change = ""
            if earlier is not None:
                pk, day, note = earlier
                change = f"{labels['date']}：{day.isoformat()} → {record.date.isoformat()}"
                if pk not in reminded:
                    on_day.pop((record.customer, record.kind, day), None)
                    earlier[1] = record.date
                    on_day[(record.customer, record.kind, record.date)] = earlier
                    updates.append((record.date, note, pk))
                    report.updated += 1
                    report.change(record.row, f"{kinds[record.kind]} {note}".strip(), change)
                    continue
                change += _(" (the earlier day, already reminded of, is kept)")
            new.append((record.customer, record.kind, record.date, record.note))
            entry = [None, record.date, record.note]
            on_day[(record.customer, record.kind, record.date)] = entry
            by_what[(record.customer, record.kind, record.note)] = entry
            if change:
                report.updated += 1
                report.change(record.row, f"{kinds[record.kind]} {record.note}".strip(), change)
            else:
                report.created += 1
        # In the order decided, updates before inserts: each day was free when taken. One
        # executemany each, without the ORM's per-object work (most of a batch's time).
        table = connection.ops.quote_name(CustomerDate._meta.db_table)
        with connection.cursor() as cursor:
            if updates:
                cursor.executemany(
                    f"UPDATE {table} SET date = %s, note = %s WHERE id = %s",  # noqa: S608
                    updates,
                )
            if new:
                stamp = connection.ops.adapt_datetimefield_value(timezone.now())
                centre = self.centre.pk
                cursor.executemany(
                    f"INSERT INTO {table} (centre_id, customer_id, kind, date, note, created_at) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    [(centre, *values, stamp) for values in new],
                )

    # -- export --------------------------------------------------------------------------

    def export_rows(self) -> Iterable[Sequence[Any]]:
        """The centre's dates of customers with an account number (those agents added by
        phone alone cannot be imported back), in the order they were recorded."""
        if self.actor is not None and not self.actor.has_perm(MANAGE_OUTREACH):
            raise Forbidden()
        return self._export()

    def _export(self) -> Iterator[Sequence[Any]]:
        labels = {value: str(label) for value, label in DateKind.choices}
        dates = (
            CustomerDate.objects.filter(centre=self.centre, customer__account_number__isnull=False)
            .exclude(customer__account_number="")
            .order_by("pk")
        )
        after = 0
        while True:
            chunk = list(
                dates.filter(pk__gt=after).values_list(
                    "pk", "customer__account_number", "kind", "date", "note"
                )[:EXPORT_CHUNK]
            )
            if not chunk:
                return
            after = chunk[-1][0]
            for _pk, account, kind, day, note in chunk:
                yield [account, labels.get(kind, kind), day.isoformat(), note]

    def close(self) -> None:
        for seen in (self.by_what, self.by_day):
            if seen is not None:
                seen.close()
        self.by_what = self.by_day = None
