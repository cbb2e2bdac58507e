"""The import kinds of the platform itself: the organisation (`org`: teams, departments,
regions) and the people (`users`). Registered from CoreConfig.ready()."""

from __future__ import annotations


def register_kinds() -> None:
    from kefu.core.importers.org import OrgImporter
    from kefu.core.importers.users import UsersImporter
    from kefu.core.imports import register

    register(OrgImporter)
    register(UsersImporter)
