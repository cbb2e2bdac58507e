"""The `customers` kind itself: its columns, the check of each row against the centre's
vocabulary (regions, tiers, tags), the duplicates within the file and the archive as it
is; the write and the export handed to kefu/customers/imports/plan.py and export.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.crypto import blind_indexer
from kefu.core.errors import Forbidden
from kefu.core.imports import Column, Importer, Report, Row
from kefu.core.masking import ADDRESS_MASK
from kefu.core.models import Region
from kefu.core.roles import HANDLE_PERSONAL_DATA_REQUEST, VIEW_CUSTOMER, VIEW_PERSONAL_DATA
from kefu.core.validation import CHINA_TZ, InvalidNumber, normalize_phone, validate_id_number
from kefu.customers.imports.export import export_chunks
from kefu.customers.imports.plan import insert_new, plan_batch, update_known
from kefu.customers.imports.sql import (
    _count_at_most,
    _indexes_rebuild,
    _indexes_set_aside,
    _remap,
    _select,
    _unmap,
)
from kefu.customers.imports.values import (
    BATCH,
    ERASED_ACCOUNT,
    KEEP,
    MASK,
    MASKED,
    Existing,
    Record,
    Seen,
    _key,
    _split,
)
from kefu.customers.models import Customer, CustomerPhone, Tag, Tier

# A file of at least this many rows into an (almost) empty archive is loaded in bulk
# (`CustomerImporter.whole_file`).
BULK_ROWS = 100_000
MET = 10_000
# SQLite's page cache while a bulk load runs (KiB): the load appends, so it needs few
# pages, and the index rebuild's sorter takes as much memory again; memory stays flat.
BULK_CACHE_KIB = 32 * 1024
BULK_TABLES = (Customer._meta.db_table, CustomerPhone._meta.db_table)


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
        self.seen: Seen | None = None
        self._mapped: tuple[int, int, int] | None = None
        self.existing: dict[str, Existing] = {}
        self.held: set[str] = set()
        self.elsewhere: set[str] = set()
        self._vocabulary_loaded = False
        # Cells met already with what they stand for (a file writes its few regions,
        # tiers and tags a million times over), up to `MET` of each; only good ones.
        self.regions_met: dict[str, int | None] = {}
        self.tiers_met: dict[str, str] = {}
        self.tags_met: dict[str, tuple[int, ...]] = {}
        # A bulk load (`whole_file`): the indexes set aside while it runs, to rebuild.
        self.bulk = False
        self.set_aside: list[str] | None = None

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
        # Whether another centre holds any account number: when none does (one centre a
        # database, nearly always), the check pass need not look a batch's accounts up
        # (`_look_up`); the write pass looks them up anyway, in its transaction.
        # (Below and above the centre: two ranges of the centre index, not a scan.)
        centre = self.centre.pk
        self.others_hold = (
            Customer.objects.filter(Q(centre_id__lt=centre) | Q(centre_id__gt=centre))
            .filter(account_number__isnull=False)
            .exists()
        )

    # -- the check ----------------------------------------------------------------------------

    def check(self, rows: Sequence[Row], report: Report) -> list[tuple[Any, ...]]:
        self._vocabulary()
        candidates: list[Record] = []
        for row in rows:
            record = self._record(row, report)
            if record is not None:
                candidates.append(record)
        # The plan (a dry run's, the write's) needs the customers as they are; the check
        # pass alone only whether they are there.
        planned = report.dry_run or self.writing
        records = self._fitting(self._unique(candidates, rows, report), report, full=planned)
        if report.dry_run and not self.writing:
            plan_batch(self, records, report)
        return [tuple(record) for record in records]

    def recheck(self, records: list[tuple[Any, ...]], report: Report) -> list[tuple[Any, ...]]:
        """The batch against the database as it is now (the write pass)."""
        self._vocabulary()
        fitting: list[tuple[Any, ...]] = []
        fitting.extend(self._fitting([Record._make(record) for record in records], report))
        return fitting

    def _fitting(self, records: list[Record], report: Report, *, full: bool = True) -> list[Record]:
        """Those of the records that fit the archive as it is: not an account another
        centre holds or an anonymised customer's, no masked value for a new customer."""
        self._look_up(records, full=full)
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
            region = self.regions_met.get(cell, KEEP)
            if region is KEEP:
                region = self._region(cell, row, report)
                ok = ok and region is not KEEP
                if region is not KEEP and len(self.regions_met) < MET:
                    self.regions_met[cell] = region
        tier: Any = KEEP
        cell = values.get("tier")
        if cell is not None:
            tier = self.tiers_met.get(cell)
            if tier is None:
                tier = self.tiers.get(_key(cell)) if cell else Tier.GENERAL
                if tier is not None and len(self.tiers_met) < MET:
                    self.tiers_met[cell] = tier
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
        if cell is not None and cell in self.tags_met:
            tags = list(self.tags_met[cell])
        elif cell is not None:
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
            if ok and len(self.tags_met) < MET:
                self.tags_met[cell] = tuple(tags)
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
            self.seen = Seen()
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

    def _look_up(self, records: list[Record], *, full: bool = True) -> None:
        """The batch's accounts as the database has them, in one query: which of them
        the centre holds (`held`) or another centre does (`elsewhere`), and with `full`
        the customers themselves (`existing`)."""
        self.existing = {}
        self.held = set()
        self.elsewhere = set()
        accounts = [record.account for record in records]
        if not accounts:
            return
        centre = self.centre.pk
        if not full:
            if not self.others_hold and not any(
                record.id_number is MASKED or record.phones is MASKED for record in records
            ):
                # Nothing the check pass asks of the archive: no account is another
                # centre's, and only a masked cell needs to know whether the centre has
                # the customer (`_fits_the_archive`).
                return
            found = _select(
                f"SELECT account_number, centre_id FROM {Customer._meta.db_table} "  # noqa: S608
                "WHERE account_number {among}",
                accounts,
            )
            self.held = {account for account, centre_id in found if centre_id == centre}
            self.elsewhere = {
                account
                for account, centre_id in found
                if centre_id != centre and account is not None
            }
            return
        rows = _select(
            "SELECT account_number, centre_id, id, name, address, region_id, tier, "  # noqa: S608
            f"id_number_index, version FROM {Customer._meta.db_table} "
            "WHERE account_number {among}",
            accounts,
        )
        existing = self.existing
        for account, centre_id, pk, name, address, region, tier, index, version in rows:
            if account is None:
                continue
            if centre_id != centre:
                self.elsewhere.add(account)
            else:
                existing[account] = Existing(pk, name, address, region, tier, index, version)
        self.held = set(existing)

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
        if record.account not in self.held:
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

    def whole_file(self, report: Report) -> bool:
        """A first import of a large archive (`BULK_ROWS` rows or more) into a database
        holding at most a tenth as many customers, on SQLite: loaded in bulk, in one
        transaction (all or nothing, the report saying so rather than per batch), with
        the customers' and phones' secondary indexes (name, ID-number digest, phone
        number, centre, region) dropped inside it and built again before it commits:
        SQLite builds an index from sorted keys many times faster than it maintains one
        row by row. A crash or an error rolls back all of it, indexes included; readers
        meanwhile see the archive as it was, other writers wait for the commit. The
        unique indexes (account number, a customer's phone) stay and keep their checks."""
        if connection.vendor != "sqlite" or report.dry_run or report.rows < BULK_ROWS:
            return False
        self.bulk = _count_at_most(Customer._meta.db_table, report.rows // 10) * 10 <= report.rows
        return self.bulk

    def finish(self, report: Report) -> None:
        if self.set_aside:
            _indexes_rebuild(self.set_aside)
        self.set_aside = None

    def write(self, records: list[Any], report: Report) -> None:
        # From recheck: Records already.
        if self.bulk and self.set_aside is None:
            self.set_aside = _indexes_set_aside(BULK_TABLES, cache_kib=BULK_CACHE_KIB)
        plan = plan_batch(self, records, report)
        now = timezone.now()
        stamp = connection.ops.adapt_datetimefield_value(now)
        if plan.new:
            insert_new(self, plan.new, stamp)
        if plan.updates:
            update_known(self, plan, stamp, now)

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
            yield from export_chunks(self, personal=personal, clear_ids=clear_ids)
        finally:
            _remap(self._mapped)

    def close(self) -> None:
        if self.seen is not None:
            self.seen.close()
            self.seen = None
        if self._vocabulary_loaded:
            _remap(self._mapped)
