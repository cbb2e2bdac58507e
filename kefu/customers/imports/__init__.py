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

The package: `kind` (the columns and the row checks), `plan` (the write), `export`,
`sql` (the bulk statements) and `values` (what a row becomes).

Written batch by batch (`BATCH` rows a transaction), so the centre keeps working while a
million rows land: each batch's accounts are looked up in one query, customers, phones and
tags inserted in one statement each (COPY on PostgreSQL), updates in one executemany. The
check pass finds duplicate account numbers across the whole file in a private temporary
SQLite table, so memory stays flat however long the file.
"""

from kefu.customers.imports.kind import CustomerImporter
from kefu.customers.imports.sql import IMPORT_CACHE_KIB
from kefu.customers.imports.values import BATCH, EXPORT_CHUNK, JOIN, KEEP, MASKED, Record

__all__ = [
    "BATCH",
    "EXPORT_CHUNK",
    "IMPORT_CACHE_KIB",
    "JOIN",
    "KEEP",
    "MASKED",
    "CustomerImporter",
    "Record",
]
