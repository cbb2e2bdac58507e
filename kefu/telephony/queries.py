"""Reads about the telephony data itself (not indicators: those are in `metrics`)."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import OrgUnit
from kefu.telephony.models import ImportRun


def centre_by_code(code: str | None) -> OrgUnit:
    """The centre named by its code; without one, the first centre set up (a one-centre
    installation never needs to name it)."""
    centres = OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE)
    if code:
        centre = centres.filter(code=code).first()
        if centre is None:
            raise NotFound(f"no centre with code {code!r}")
        return centre
    first = centres.order_by("pk").first()
    if first is None:
        raise NotFound("there is no centre yet: run `kefu demo` or create one")
    return first


def recent_imports(centre: OrgUnit, limit: int = 20) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(centre=centre)[:limit]
