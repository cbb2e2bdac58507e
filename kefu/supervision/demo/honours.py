"""The demo centre's honours (issue 20 point 4): the two months before this one proposed
from the demo's figures on their 1st and confirmed by the manager (the earlier one with a
candidate removed and the reason written), and this month's proposals so far, waiting for
the manager. Loaded once, through the services (the confirmations then dated back)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import MANAGER
from kefu.supervision.honours_rules import months_back
from kefu.supervision.models import HonourCandidate, HonourMonth
from kefu.supervision.services.honours import (
    Addition,
    Removal,
    honours_confirm,
    honours_propose,
)

REMOVED_BECAUSE = "本月有一起经判责属实的有责投诉，按中心规定不参加当月评选"
ADDED_BECAUSE = "客户来信表扬，主动上门协助老人办理业务"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_honours(centre: OrgUnit) -> int:
    """Returns the months written (0 when the demo has them already)."""
    if HonourMonth.objects.filter(centre=centre).exists():
        return 0
    manager = (
        User.objects.filter(centre=centre, groups__name=MANAGER, is_active=True)
        .order_by("pk")
        .first()
    )
    if manager is None:
        return 0
    # Two months confirmed and published; last month's proposed on the 1st by the task and
    # waiting for the manager.
    this_month = timezone.localdate().replace(day=1)
    for back in (3, 2):
        month = months_back(this_month, back)
        proposed_at = _at(months_back(month, -1), 1)
        made, _created = honours_propose(centre=centre, month=month, now=proposed_at)
        removals: list[Removal] = []
        additions: list[Addition] = []
        if back == 3:
            # The manager took one off, with the reason…
            last = made.candidates.order_by("-rank", "-pk").first()
            if last is not None:
                removals.append(Removal(last.pk, REMOVED_BECAUSE))
        if not removals:
            # …and added one the rules missed, with the reason.
            proposed = made.candidates.filter(kind="service_star").values("person_id")
            someone = (
                User.objects.filter(centre=centre, groups__name="agent", is_active=True)
                .exclude(pk__in=proposed)
                .order_by("pk")
                .first()
            )
            if someone is not None:
                additions.append(Addition("service_star", someone.pk, ADDED_BECAUSE))
        honours_confirm(
            actor=manager,
            honour_month=made,
            version=made.version,
            removals=removals,
            additions=additions,
        )
        confirmed_at = proposed_at + dt.timedelta(days=2, hours=9)
        HonourMonth.objects.filter(pk=made.pk).update(confirmed_at=confirmed_at)
        HonourCandidate.objects.filter(month=made).exclude(changed_at=None).update(
            changed_at=confirmed_at
        )
    last_month = months_back(this_month, 1)
    honours_propose(centre=centre, month=last_month, now=_at(this_month, 1))
    return 3
