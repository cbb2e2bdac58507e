"""The customer archive from the billing system's export: the `customers` import kind
(kefu/core/imports), registered by the app's AppConfig.

A row is a customer found by its account number (户号), which every row must have: a
re-import of an updated export finds each customer by it, updates what changed (field by
field in the report, ID numbers and phones masked as pages mask them) and creates the new
ones. Customers are the centre's own; an account number another centre holds is a problem.
A column the file lacks leaves that field as it is; an empty cell empties it; a masked
value (as an export for someone who may not see it in clear writes it) keeps the stored
one. The account of a customer anonymised at their request (kefu/customers/privacy.py) is
left out with a note, so an import never brings the person back.

Written batch by batch (`BATCH` rows a transaction), so the centre keeps working while a
million rows land: each batch's accounts are looked up in one query, customers, phones and
tags inserted in one statement each (COPY on PostgreSQL), updates in one executemany. The
check pass finds duplicate account numbers across the whole file in a private temporary
SQLite table, so memory stays flat however long the file.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.crypto import blind_indexer, data_keys, encrypter
from kefu.core.errors import Forbidden
from kefu.core.imports import Column, Importer, Report, Row
from kefu.core.masking import ADDRESS_MASK, mask_address, mask_id_number, mask_phone
from kefu.core.models import AuditEntry, Region
from kefu.core.roles import HANDLE_PERSONAL_DATA_REQUEST, VIEW_CUSTOMER, VIEW_PERSONAL_DATA
from kefu.core.validation import (
    CHINA_TZ,
    InvalidNumber,
    normalize_phone,
    phone_kind,
    validate_id_number,
)
from kefu.customers.models import Customer, CustomerPhone, Tag, Tier

# Rows a transaction: a batch takes about a tenth of a second on SQLite, so other writers
# wait at most that long for the database.
BATCH = 2000
EXPORT_CHUNK = 5000
# What separates several phones or tags in one cell, as billing systems and people write
# them: 、，,；;/| or a line break in the cell. Not spaces: "138 1234 5678" is one number.
SEPARATORS = re.compile(r"[、，,；;/|\n]+")
# The separator exports write.
JOIN = "、"
MASK = "*"
ERASED_ACCOUNT = "account_number"  # the blind index's purpose (privacy.ERASED_ACCOUNT)


class _Keep:
    """A field the row leaves as it is: KEEP, the file has no such column; MASKED, the
    cell holds a masked value (as exports write for those who may not see it)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self) -> str:
        return self.name  # the module's own instance again when unpickled (the spool)


KEEP: Any = _Keep("KEEP")
MASKED: Any = _Keep("MASKED")


class Record(NamedTuple):
    """A good row. `check` hands the runner plain tuples of these fields (the spool
    pickles a plain tuple several times faster than a class)."""

    row: int
    account: str
    name: str
    phones: Any  # list[str] | KEEP
    id_number: Any  # str ("" empties it) | KEEP
    address: Any  # str | KEEP
    region: Any  # int | None | KEEP
    tier: Any  # str | KEEP
    tags: Any  # list[int] | KEEP


@dataclass(slots=True)
class Existing:
    pk: int
    name: str
    address: str
    region: int | None
    tier: str
    id_index: str
    id_token: str
    version: int


def _key(text: str) -> str:
    """A label as matched: full-width to half-width, no spaces, small letters."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _split(cell: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(cell) if part.strip()]


class _Seen:
    """The account numbers met so far in the check pass, with their rows, in a private
    temporary SQLite database (removed when closed): a million of them take a few MB of
    memory rather than a hundred."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE seen (account TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")

    def earlier(self, accounts: dict[str, int]) -> dict[str, int]:
        """Of these accounts (each with its row), those met before, with the row they were
        first met in; then remembers them all."""
        found: dict[str, int] = {}
        keys = list(accounts)
        for start in range(0, len(keys), 10_000):
            chunk = keys[start : start + 10_000]
            marks = ",".join("?" * len(chunk))
            found.update(
                self.db.execute(f"SELECT account, row FROM seen WHERE account IN ({marks})", chunk)  # noqa: S608
            )
        self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", accounts.items())
        return found

    def close(self) -> None:
        self.db.close()


class CustomerImporter(Importer[tuple[Any, ...]]):
    kind = "customers"
    title = gettext_lazy("Customers")
    batch_size = BATCH
    per_batch = True
    spool = True
    columns = (
        Column(
            "account",
            gettext_lazy("Account number"),
            required=True,
            help=gettext_lazy(
                "The billing system's account number, required: a re-import finds the "
                "customer by it and updates what changed. A column left out keeps its "
                "values; an empty cell empties them."
            ),
            example="0101234567",
            aliases=("户号", "用户编号", "用电户号", "客户编号", "账户号", "户号编号"),
        ),
        Column(
            "name",
            gettext_lazy("Name"),
            required=True,
            help=gettext_lazy("The customer's name (户名), required."),
            example="王建国",
            aliases=("户名", "客户名称", "用户名称", "客户姓名"),
        ),
        Column(
            "phones",
            gettext_lazy("Phones"),
            help=gettext_lazy(
                "All the customer's numbers in one cell, as billing exports list them, "
                "separated by 、 ， ; or /: mobiles (11 digits) and fixed lines with the area "
                "code (025-83456789)."
            ),
            example="13812345678、025-83456789",
            aliases=("联系电话", "电话号码", "手机号码", "联系方式", "手机"),
        ),
        Column(
            "id_number",
            gettext_lazy("ID number"),
            help=gettext_lazy(
                "18-character resident ID number, checked (region, birth date, check "
                "digit); stored encrypted. A masked number (with *) keeps the one kefu has."
            ),
            example="11010519491231002X",
            aliases=("身份证号", "身份证", "证件号码", "证件号"),
        ),
        Column(
            "address",
            gettext_lazy("Address"),
            help=gettext_lazy("The service address (用电地址)."),
            example="江苏省南京市鼓楼区中山北路100号",
            aliases=("用电地址", "用户地址", "客户地址", "住址"),
        ),
        Column(
            "region",
            gettext_lazy("Region"),
            help=gettext_lazy(
                "The GB/T 2260 code (320106) or the name of a region kefu has (鼓楼区)."
            ),
            example="320106",
            aliases=("区域", "所属区域", "行政区划", "区划代码", "供电区域"),
        ),
        Column(
            "tier",
            gettext_lazy("Tier"),
            help=gettext_lazy("One of 特定客户, VIP 客户, 中高端客户, 一般客户; empty: 一般客户."),
            example="一般客户",
            aliases=("客户级别", "级别", "等级", "客户类别"),
        ),
        Column(
            "tags",
            gettext_lazy("Tags"),
            help=gettext_lazy("Names of tags kefu has, several separated by 、 or ;."),
            example="敏感",
            aliases=("客户标签",),
        ),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.today = dt.datetime.now(tz=CHINA_TZ).date()
        self.seen: _Seen | None = None
        self._mapped: tuple[int, int] | None = None
        self.existing: dict[str, Existing] = {}
        self.elsewhere: set[str] = set()
        self._vocabulary_loaded = False

    # -- what the rows name ----------------------------------------------------------------

    def _vocabulary(self) -> None:
        if self._vocabulary_loaded:
            return
        self._vocabulary_loaded = True
        self._mapped = _unmap()
        self.region_codes: dict[str, int] = {}
        self.region_names: dict[str, list[int]] = {}
        self.region_labels: dict[int, str] = {}
        for pk, code, name in Region.objects.values_list("id", "code", "name"):
            self.region_codes[code] = pk
            self.region_names.setdefault(_key(name), []).append(pk)
            self.region_labels[pk] = name
        # Exports write a region's name where it is unique, its code otherwise.
        for pk, name in list(self.region_labels.items()):
            if len(self.region_names[_key(name)]) > 1:
                self.region_labels[pk] = next(c for c, p in self.region_codes.items() if p == pk)
        self.tiers: dict[str, str] = {}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for value, label in Tier.choices:
                    self.tiers[_key(str(label))] = value
        for value in Tier.values:
            self.tiers[_key(value)] = value
        self.tags: dict[str, int] = {}
        self.tag_names: dict[int, str] = {}
        for pk, code, name in Tag.objects.values_list("id", "code", "name"):
            self.tags.setdefault(_key(code), pk)
            self.tags[_key(name)] = pk
            self.tag_names[pk] = name
        self.erased: set[str] = set(
            Customer.objects.filter(centre=self.centre, anonymised_at__isnull=False)
            .exclude(account_number_erased="")
            .values_list("account_number_erased", flat=True)
            .iterator()
        )
        self.erased_index = blind_indexer(purpose=ERASED_ACCOUNT) if self.erased else None

    # -- the check ----------------------------------------------------------------------------

    def check(self, rows: Sequence[Row], report: Report) -> list[tuple[Any, ...]]:
        self._vocabulary()
        candidates: list[Record] = []
        for row in rows:
            record = self._record(row, report)
            if record is not None:
                candidates.append(record)
        records = self._fitting(self._unique(candidates, rows, report), report)
        if report.dry_run and not self.writing:
            self._plan(records, report)
        return [tuple(record) for record in records]

    def recheck(self, records: list[tuple[Any, ...]], report: Report) -> list[tuple[Any, ...]]:
        """The batch against the database as it is now (the write pass)."""
        self._vocabulary()
        fitting: list[tuple[Any, ...]] = []
        fitting.extend(self._fitting([Record._make(record) for record in records], report))
        return fitting

    def _fitting(self, records: list[Record], report: Report) -> list[Record]:
        """Those of the records that fit the archive as it is: not an account another
        centre holds or an anonymised customer's, no masked value for a new customer."""
        self._look_up(records)
        return [record for record in records if self._fits_the_archive(record, report)]

    def _record(self, row: Row, report: Report) -> Record | None:
        ok = True
        values = row.values
        account = values.get("account", "")
        if not account:
            self.problem(
                report,
                row,
                "account",
                _("The account number is required: a re-import finds the customer by it."),
            )
            ok = False
        elif len(account) > 32:
            ok = self._too_long(report, row, "account", 32)
        name = values.get("name", "")
        if not name:
            self.problem(report, row, "name", _("The name is required."))
            ok = False
        elif len(name) > 100:
            ok = self._too_long(report, row, "name", 100)
        phones: Any = KEEP if "phones" not in values else MASKED
        cell = values.get("phones")
        if cell is not None and MASK not in cell:
            phones = []
            for part in _split(cell):
                try:
                    number = normalize_phone(part)
                except InvalidNumber as error:
                    self.problem(
                        report,
                        row,
                        "phones",
                        _("%(number)s: %(problem)s") % {"number": part, "problem": error.message},
                    )
                    ok = False
                    continue
                if number not in phones:
                    phones.append(number)
        id_number: Any = KEEP if "id_number" not in values else MASKED
        cell = values.get("id_number")
        if cell is not None and MASK not in cell:
            id_number = ""
            if cell:
                try:
                    id_number = validate_id_number(cell, today=self.today)
                except InvalidNumber as error:
                    self.problem(report, row, "id_number", str(error.message))
                    ok = False
        address: Any = KEEP if "address" not in values else MASKED
        cell = values.get("address")
        if cell is not None and not cell.endswith(ADDRESS_MASK):
            address = cell
            if len(cell) > 200:
                ok = self._too_long(report, row, "address", 200)
        region: Any = KEEP
        cell = values.get("region")
        if cell is not None:
            region = self._region(cell, row, report)
            ok = ok and region is not KEEP
        tier: Any = KEEP
        cell = values.get("tier")
        if cell is not None:
            tier = self.tiers.get(_key(cell)) if cell else Tier.GENERAL
            if tier is None:
                labels = "、".join(str(label) for label in Tier.labels)
                self.problem(
                    report,
                    row,
                    "tier",
                    _("Unknown tier: write one of %(tiers)s.") % {"tiers": labels},
                )
                ok = False
        tags: Any = KEEP
        cell = values.get("tags")
        if cell is not None:
            tags = []
            for part in _split(cell):
                pk = self.tags.get(_key(part))
                if pk is None:
                    known = "、".join(sorted(self.tag_names.values())) or "—"
                    self.problem(
                        report,
                        row,
                        "tags",
                        _("Unknown tag %(tag)s: write one of %(tags)s.")
                        % {"tag": part, "tags": known},
                    )
                    ok = False
                elif pk not in tags:
                    tags.append(pk)
        if not ok:
            return None
        return Record(row.number, account, name, phones, id_number, address, region, tier, tags)

    def _too_long(self, report: Report, row: Row, key: str, limit: int) -> bool:
        self.problem(
            report, row, key, _("Too long: at most %(limit)d characters.") % {"limit": limit}
        )
        return False

    def _region(self, cell: str, row: Row, report: Report) -> Any:
        if not cell:
            return None
        pk = self.region_codes.get(cell)
        if pk is not None:
            return pk
        named = self.region_names.get(_key(cell), [])
        if len(named) == 1:
            return named[0]
        if named:
            message = _("Several regions have this name: give the region's GB/T 2260 code.")
        else:
            message = _("Unknown region: give its GB/T 2260 code or its name as kefu has it.")
        self.problem(report, row, "region", message)
        return KEEP

    def _unique(self, records: list[Record], rows: Sequence[Row], report: Report) -> list[Record]:
        """Each account number once in the file: a later row repeating one is a problem
        naming the row that had it first. Rows with other problems count too."""
        if self.writing:  # the check pass found none; the file has not changed since
            return records
        if self.seen is None:
            self.seen = _Seen()
        first: dict[str, int] = {}
        repeated: dict[int, int] = {}
        for row in rows:
            account = row.values.get("account", "")
            if not account:
                continue
            if account in first:
                repeated[row.number] = first[account]
            else:
                first[account] = row.number
        earlier = self.seen.earlier(first)
        for account, number in first.items():
            if account in earlier:
                repeated[number] = earlier[account]
        if not repeated:
            return records
        by_number = {row.number: row for row in rows}
        for number, before in sorted(repeated.items()):
            self.problem(
                report,
                by_number[number],
                "account",
                _("The same account number as row %(row)d.") % {"row": before},
            )
        return [record for record in records if record.row not in repeated]

    def _look_up(self, records: list[Record]) -> None:
        """The batch's accounts as the database has them, in one query."""
        self.existing = {}
        self.elsewhere = set()
        accounts = [record.account for record in records]
        if not accounts:
            return
        rows = _select(
            "SELECT account_number, centre_id, id, name, address, region_id, tier, "  # noqa: S608
            f"id_number_index, id_number_encrypted, version FROM {Customer._meta.db_table} "
            "WHERE account_number {among}",
            accounts,
        )
        for account, centre_id, pk, name, address, region, tier, index, token, version in rows:
            if account is None:
                continue
            if centre_id != self.centre.pk:
                self.elsewhere.add(account)
            else:
                self.existing[account] = Existing(
                    pk, name, address, region, tier, index, token, version
                )

    def _fits_the_archive(self, record: Record, report: Report) -> bool:
        labels = self.labels
        if record.account in self.elsewhere:
            report.problem(
                record.row,
                labels["account"],
                _("This account number belongs to another centre's customer."),
                record.account,
            )
            return False
        if self.erased_index and self.erased_index(record.account) in self.erased:
            report.warn(
                record.row,
                labels["account"],
                _(
                    "This account's customer had their personal data erased at their request: "
                    "the row is left out."
                ),
            )
            return False
        if record.account not in self.existing:
            if record.id_number is MASKED:
                report.problem(
                    record.row,
                    labels["id_number"],
                    _(
                        "A masked ID number keeps the one kefu has: a new customer needs it "
                        "in full."
                    ),
                )
                return False
            if record.phones is MASKED:
                report.problem(
                    record.row,
                    labels["phones"],
                    _(
                        "Masked phone numbers keep those kefu has: a new customer needs them "
                        "in full."
                    ),
                )
                return False
        return True

    # -- the write ----------------------------------------------------------------------------

    def write(self, records: list[Any], report: Report) -> None:
        # From recheck: Records already.
        plan = self._plan(records, report)
        now = timezone.now()
        stamp = connection.ops.adapt_datetimefield_value(now)
        if plan.new:
            self._insert(plan.new, stamp)
        if plan.updates:
            self._update(plan, stamp, now)

    def _plan(self, records: list[Record], report: Report) -> _Plan:
        """What the batch creates and changes, counted and described in the report."""
        plan = _Plan()
        olds = [self.existing[r.account].pk for r in records if r.account in self.existing]
        phones: dict[int, list[str]] = {}
        tags: dict[int, list[int]] = {}
        if olds:
            for pk, number in _select(
                f"SELECT customer_id, number FROM {CustomerPhone._meta.db_table} "  # noqa: S608
                "WHERE customer_id {among} ORDER BY customer_id, position, id",
                olds,
            ):
                phones.setdefault(pk, []).append(number)
            for pk, tag in _select(
                f"SELECT customer_id, tag_id FROM {Customer.tags.through._meta.db_table} "  # noqa: S608
                "WHERE customer_id {among}",
                olds,
            ):
                tags.setdefault(pk, []).append(tag)
        index = blind_indexer() if any(isinstance(r.id_number, str) for r in records) else None
        for record in records:
            old = self.existing.get(record.account)
            if old is None:
                plan.new.append(record)
                report.created += 1
                continue
            had_phones = phones.get(old.pk, [])
            had_tags = sorted(tags.get(old.pk, []))
            changed = plan.compare(self, record, old, had_phones, had_tags, index)
            if changed:
                report.updated += 1
                report.change(record.row, record.account, "；".join(changed))
            else:
                report.unchanged += 1
        plan.old_phones = phones
        plan.old_tags = tags
        return plan

    def _insert(self, records: list[Record], stamp: Any) -> None:
        encrypt_one = encrypter()
        index_one = blind_indexer()
        table = Customer._meta.db_table
        columns = (
            "centre_id, name, id_number_encrypted, id_number_index, account_number, address, "
            "region_id, tier, notes, version, created_at, updated_at, account_number_erased"
        )
        centre = self.centre.pk
        rows = []
        for r in records:
            id_number = r.id_number if isinstance(r.id_number, str) else ""
            rows.append(
                (
                    centre,
                    r.name,
                    encrypt_one(id_number),
                    index_one(id_number),
                    r.account,
                    r.address if isinstance(r.address, str) else "",
                    r.region if isinstance(r.region, int) else None,
                    r.tier if isinstance(r.tier, str) else Tier.GENERAL,
                    "",
                    1,
                    stamp,
                    stamp,
                    "",
                )
            )
        _insert_rows(table, columns, rows)
        ids = dict(
            _select(
                f"SELECT account_number, id FROM {table} WHERE account_number {{among}}",  # noqa: S608
                [r.account for r in records],
            )
        )
        phone_rows: list[tuple[Any, ...]] = [
            (ids[r.account], number, _kind(number), position)
            for r in records
            if isinstance(r.phones, list)
            for position, number in enumerate(r.phones)
        ]
        if phone_rows:
            _insert_rows(
                CustomerPhone._meta.db_table, "customer_id, number, kind, position", phone_rows
            )
        tag_rows: list[tuple[Any, ...]] = [
            (ids[r.account], tag) for r in records if isinstance(r.tags, list) for tag in r.tags
        ]
        if tag_rows:
            _insert_rows(Customer.tags.through._meta.db_table, "customer_id, tag_id", tag_rows)

    def _update(self, plan: _Plan, stamp: Any, now: dt.datetime) -> None:
        table = Customer._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET name = %s, address = %s, region_id = %s, tier = %s, "  # noqa: S608
                "id_number_encrypted = %s, id_number_index = %s, version = version + 1, "
                "updated_at = %s WHERE id = %s",
                [(*fields, stamp, pk) for pk, fields in plan.updates],
            )
        if plan.phones:
            ids = [pk for pk, _numbers in plan.phones]
            CustomerPhone.objects.filter(customer_id__in=ids).delete()
            rows = [
                (pk, number, _kind(number), position)
                for pk, numbers in plan.phones
                for position, number in enumerate(numbers)
            ]
            if rows:
                _insert_rows(
                    CustomerPhone._meta.db_table, "customer_id, number, kind, position", rows
                )
        if plan.tags:
            through = Customer.tags.through
            through.objects.filter(customer_id__in=[pk for pk, _tags in plan.tags]).delete()
            tag_rows: list[tuple[Any, ...]] = [(pk, tag) for pk, tags in plan.tags for tag in tags]
            if tag_rows:
                _insert_rows(through._meta.db_table, "customer_id, tag_id", tag_rows)
        actor = self.actor if self.actor is not None and self.actor.pk else None
        AuditEntry.objects.bulk_create(
            AuditEntry(
                at=now,
                actor=actor,
                action="customer.update",
                object_type="customers.customer",
                object_id=str(pk),
                object_repr=name[:200],
                before=before,
                after={**after, "via": "import"},
            )
            for pk, name, before, after in plan.audits
        )

    # -- the export ---------------------------------------------------------------------------

    def export_rows(self) -> Iterable[Sequence[Any]]:
        """The centre's customers that have an account number (those agents added by
        phone alone are not the billing archive's), a chunk of rows at a time. ID numbers
        in clear for the operator at the command line and for those who may answer a
        customer's personal-data request; masked for anyone else, and so are phones and
        addresses for those who may not see personal data. Audited once."""
        actor = self.actor
        if actor is not None and not actor.has_perm(VIEW_CUSTOMER):
            raise Forbidden()
        personal = actor is None or actor.has_perm(VIEW_PERSONAL_DATA)
        clear_ids = actor is None or (personal and actor.has_perm(HANDLE_PERSONAL_DATA_REQUEST))
        return self._export(personal=personal, clear_ids=clear_ids)

    def _export(self, *, personal: bool, clear_ids: bool) -> Iterator[Sequence[Any]]:
        self._vocabulary()
        try:
            yield from self._export_chunks(personal=personal, clear_ids=clear_ids)
        finally:
            _remap(self._mapped)

    def _export_chunks(self, *, personal: bool, clear_ids: bool) -> Iterator[Sequence[Any]]:
        from kefu.core.services import audit_record

        audit_record(
            actor=self.actor,
            action="customer.export",
            obj=self.centre,
            after={
                "id_numbers": "clear" if clear_ids else "masked",
                "personal_data": "clear" if personal else "masked",
                "via": "cli" if self.actor is None else "web",
            },
        )
        tiers = {value: str(label) for value, label in Tier.choices}
        fernet = data_keys().fernet
        last = 0
        while True:
            chunk = list(
                Customer.objects.filter(
                    centre=self.centre, pk__gt=last, account_number__isnull=False
                )
                .order_by("pk")
                .values_list(
                    "pk",
                    "account_number",
                    "name",
                    "id_number_encrypted",
                    "address",
                    "region_id",
                    "tier",
                )[:EXPORT_CHUNK]
            )
            if not chunk:
                return
            last = chunk[-1][0]
            ids = [row[0] for row in chunk]
            phones: dict[int, list[str]] = {}
            for pk, number in (
                CustomerPhone.objects.filter(customer_id__in=ids)
                .order_by("customer_id", "position", "id")
                .values_list("customer_id", "number")
            ):
                phones.setdefault(pk, []).append(number)
            tags: dict[int, list[str]] = {}
            for pk, tag in Customer.tags.through.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "tag_id"
            ):
                tags.setdefault(pk, []).append(self.tag_names[tag])
            for pk, account, name, token, address, region, tier in chunk:
                id_number = fernet.decrypt(token.encode()).decode() if token else ""
                numbers = phones.get(pk, [])
                yield [
                    account,
                    name,
                    JOIN.join(numbers if personal else map(mask_phone, numbers)),
                    id_number if clear_ids else mask_id_number(id_number),
                    address if personal else mask_address(address),
                    self.region_labels.get(region, "") if region is not None else "",
                    tiers.get(tier, tier),
                    JOIN.join(sorted(tags.get(pk, []))),
                ]

    def close(self) -> None:
        if self.seen is not None:
            self.seen.close()
            self.seen = None
        if self._vocabulary_loaded:
            _remap(self._mapped)


class _Plan:
    """A batch's new customers and the changes to those kefu has."""

    def __init__(self) -> None:
        self.new: list[Record] = []
        # (pk, (name, address, region, tier, token, index)) for each changed customer
        self.updates: list[tuple[int, tuple[Any, ...]]] = []
        self.phones: list[tuple[int, list[str]]] = []
        self.tags: list[tuple[int, list[int]]] = []
        self.audits: list[tuple[int, str, dict[str, Any], dict[str, Any]]] = []
        self.old_phones: dict[int, list[str]] = {}
        self.old_tags: dict[int, list[int]] = {}
        self._encrypt: Any = None

    def compare(
        self,
        kind: CustomerImporter,
        r: Record,
        old: Existing,
        had_phones: list[str],
        had_tags: list[int],
        index: Any,
    ) -> list[str]:
        """What the row changes, as the report says it; the update is noted in the plan."""
        labels = kind.labels
        texts: list[str] = []
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}

        def note(key: str, field: str, was: Any, now: Any, shown: tuple[str, str]) -> None:
            texts.append(
                _("%(field)s: %(before)s → %(after)s")
                % {
                    "field": labels[key],
                    "before": shown[0] or _("(empty)"),
                    "after": shown[1] or _("(empty)"),
                }
            )
            before[field], after[field] = was, now

        name, address, region, tier = old.name, old.address, old.region, old.tier
        token, id_index = old.id_token, old.id_index
        if r.name != name:
            note("name", "name", name, r.name, (name, r.name))
            name = r.name
        if isinstance(r.id_number, str) and index(r.id_number) != id_index:
            was = mask_id_number(_clear(token))
            now = mask_id_number(r.id_number)
            note("id_number", "id_number", was, now, (was, now))
            if self._encrypt is None:
                self._encrypt = encrypter()
            token, id_index = self._encrypt(r.id_number), index(r.id_number)
        if isinstance(r.address, str) and r.address != address:
            shown = (mask_address(address), mask_address(r.address))
            if shown[0] == shown[1]:
                shown = (shown[0], _("(details changed)"))
            note("address", "address", address, r.address, shown)
            address = r.address
        if r.region is not KEEP and r.region != region:
            labels_of = kind.region_labels
            shown = (
                labels_of[region] if region is not None else "",
                labels_of[r.region] if r.region is not None else "",
            )
            note("region", "region", shown[0], shown[1], shown)
            region = r.region
        if isinstance(r.tier, str) and r.tier != tier:
            shown = (str(Tier(tier).label), str(Tier(r.tier).label))
            note("tier", "tier", tier, r.tier, shown)
            tier = r.tier
        if isinstance(r.phones, list) and r.phones != had_phones:
            shown = (JOIN.join(map(mask_phone, had_phones)), JOIN.join(map(mask_phone, r.phones)))
            note("phones", "phones", had_phones, r.phones, shown)
            self.phones.append((old.pk, r.phones))
        if isinstance(r.tags, list) and sorted(r.tags) != had_tags:
            names = kind.tag_names
            shown = (
                JOIN.join(sorted(names[t] for t in had_tags)),
                JOIN.join(sorted(names[t] for t in r.tags)),
            )
            note("tags", "tags", shown[0], shown[1], shown)
            self.tags.append((old.pk, r.tags))
        if texts:
            self.updates.append((old.pk, (name, address, region, tier, token, id_index)))
            self.audits.append((old.pk, name, before, after))
        return texts


def _clear(token: str) -> str:
    from kefu.core.crypto import decrypt

    return decrypt(token)


def _kind(number: str) -> str:
    return phone_kind(number)


# SQLite's page cache while an import or export runs (KiB, as PRAGMA cache_size takes a
# negative figure): the indexes of a million customers are a few hundred MB, and a page
# read from the file costs a system call each time it is not in the cache.
IMPORT_CACHE_KIB = 100 * 1024


def _unmap() -> tuple[int, int] | None:
    """SQLite maps up to 256 MB of the database file into the process (kefu/settings.py);
    an import or export of a million customers touches all of it, and mapped pages count
    in the process's resident memory. Read through a larger page cache of SQLite's own
    instead while it runs, so memory stays flat and bounded (about 100 MB more); what was
    set before, to put back (None: not SQLite)."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        mapped = cursor.fetchone()
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size=0")
        cursor.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    return (int(mapped[0]) if mapped else 0, int(cache[0]) if cache else -2000)


def _remap(before: tuple[int, int] | None) -> None:
    if before is not None and connection.vendor == "sqlite":
        mapped, cache = before
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(mapped)}")
            cursor.execute(f"PRAGMA cache_size={int(cache)}")


def _select(sql: str, values: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql`, whose `{among}` asks for a column among `values` (a batch's
    keys): one array on PostgreSQL (psycopg parses a statement of thousands of
    placeholders slowly, and prepares it afresh for each length), placeholders on SQLite
    (a few thousand are within its limit)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(among="= ANY(%s)"), [values])
        else:
            marks = ", ".join(["%s"] * len(values))
            cursor.execute(sql.format(among=f"IN ({marks})"), values)
        return cursor.fetchall()


def _insert_rows(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    """Many rows into `table` at once: COPY on PostgreSQL, one executemany on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
