"""The demo centre's telephone history: 60 days of simulated queue_log, imported as a
platform's file would be."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from itertools import takewhile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from kefu.core.demo_content import mobile_number
from kefu.core.models import OrgUnit, User
from kefu.customers.models import CustomerPhone
from kefu.telephony import services, simulator
from kefu.telephony.models import Queue

# (platform name, title): what a 95598 centre's ACD routes to.
QUEUES = [
    ("power-billing", "电费电价"),
    ("power-fault", "故障报修"),
    ("power-business", "业务办理"),
]
SEED = 95598


def load_telephony(centre: OrgUnit, agents: list[User], *, days: int = 60) -> int:
    """Simulate and import the `days` days before today and today up to now, as a platform
    would have logged them (calls still in progress are offered and nothing else);
    idempotent (a centre that has queues keeps its history). Returns the calls imported."""
    if Queue.objects.filter(centre=centre).exists() or not agents or days <= 0:
        return 0
    for name, title in QUEUES:
        Queue.objects.create(centre=centre, name=name, title=title)
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    # The centre's customers call from their numbers; as many callers again are not on
    # file (new customers, neighbours, passers-by who report a fault).
    callers = list(
        CustomerPhone.objects.filter(customer__centre=centre, position=0).values_list(
            "number", flat=True
        )
    )
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    callers += [mobile_number(rng) for _ in range(max(len(callers), 1000))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "queue_log"
        now = time.time()
        lines = simulator.simulate(
            start=today - dt.timedelta(days=days),
            days=days + 1,
            queues=[name for name, _ in QUEUES],
            agents=[f"Agent/{agent.username}" for agent in agents],
            tz=zone,
            seed=SEED,
            caller_numbers=callers,
        )
        with path.open("w", encoding="utf-8") as out:
            # The lines come in time order: today's stop at this moment.
            out.writelines(takewhile(lambda line: int(line.split("|", 1)[0]) <= now, lines))
        report = services.telephony_import(centre=centre, path=path)
    return report.calls
