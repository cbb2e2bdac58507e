"""Bringing a centre's own data in from spreadsheets, and taking it out in the same shape.

- `base`: what an import kind is (`Importer`, `Column`, `Row`) and the registry the apps
  register their kinds in (`register`, from their AppConfig.ready()).
- `reading`: a file as rows of text (.xlsx, CSV or tab-separated; UTF-8, GB18030, UTF-16).
- `report`: every problem by row and column, what was created, updated or changed.
- `runner`: the check pass, the write pass, dry runs, templates and exports.

The CLI is `kefu import KIND FILE [--dry-run]`, `kefu import template KIND -o FILE` and
`kefu export KIND -o FILE`.
"""

from kefu.core.imports.base import (
    Column,
    Handout,
    Importer,
    Progress,
    Row,
    importer_class,
    kinds,
    register,
)
from kefu.core.imports.reading import TableError
from kefu.core.imports.report import Change, Problem, Report
from kefu.core.imports.runner import export_write, import_file, template_write

__all__ = [
    "Change",
    "Column",
    "Handout",
    "Importer",
    "Problem",
    "Progress",
    "Report",
    "Row",
    "TableError",
    "export_write",
    "import_file",
    "importer_class",
    "kinds",
    "register",
    "template_write",
]
