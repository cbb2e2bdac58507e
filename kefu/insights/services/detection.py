"""The spike detection at work (issue 21 point 1): every minute the worker counts each
centre's fault contacts and orders of the running 15-minute step and the one before, per
region and call reason, judges those at or above their rule's minimum count against their
baseline (`kefu.insights.spikes`) and opens a major incident for a spike, once per region
and reason while one is open.

A task every minute, not a receiver of the contact-saved signal. The run is one indexed
range query of the last two steps' fault contacts per centre, one query of the history of
the few (region, reason) pairs at or above their minimum count, and the judging: measured
at 405-612 ms a run on PostgreSQL at 300,000 contacts a day (bench/insights_spikes.py
--database-url, on a shared 2-core machine running 2.6 times slower than idle), so the
contact that crosses a threshold opens its incident within a minute. A signal receiver
would add a counting query to every agent's save (and a lock on a shared counter, for
the counts of concurrent saves to add up), would miss contacts and orders that come by
an import or straight into the database, and would still need the history read to judge.
Contacts recorded after the call ended (started in the step before) are counted with
their own step, since each run judges the running step and the one before.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from kefu.contacts.models import CallReason, Contact
from kefu.core.errors import Forbidden
from kefu.core.models import OrgUnit, Region, User
from kefu.core.roles import MANAGE_INCIDENTS
from kefu.core.services.audit import audit_record
from kefu.insights import spikes
from kefu.insights.models import Incident, IncidentOrigin, IncidentState, SpikeRule
from kefu.insights.queries.spikes import fault_reason_ids
from kefu.insights.services.incidents import incident_alert, notice_publish_for
from kefu.tickets.models import Ticket
from kefu.tickets.queries.rules import dispatch_rules_of
from kefu.workforce.queries import china_calendar

#: A leader, manager or back-office member who signed in this recently is on duty.
#: How far back the baseline reads (two Spring Festivals).
HISTORY_DAYS = 800


# --------------------------------------------------------------------------- counting


def _fault_contacts(
    centre_id: int, faults: set[int], windows: Sequence[tuple[dt.datetime, dt.datetime]]
) -> QuerySet[Contact]:
    within = Q()
    for start, end in windows:
        within |= Q(started_at__gte=start, started_at__lt=end)
    return (
        Contact.objects.filter(within, centre_id=centre_id, region__isnull=False)
        .filter(Q(business_type_id__in=faults) | Q(service_content_id__in=faults))
        .order_by()
    )


def _fault_orders(
    centre_id: int, windows: Sequence[tuple[dt.datetime, dt.datetime]]
) -> QuerySet[Ticket]:
    """Fault orders that no contact brought (a web form, the app, an import): a contact's
    order is its contact, already counted."""
    within = Q()
    for start, end in windows:
        within |= Q(created_at__gte=start, created_at__lt=end)
    return Ticket.objects.filter(
        within,
        centre_id=centre_id,
        kind="fault",
        contacts__isnull=True,
        customer__region__isnull=False,
        category__isnull=False,
    ).order_by()


def step_counts(
    centre_id: int,
    faults: set[int],
    windows: Sequence[tuple[dt.datetime, dt.datetime]],
    *,
    reasons: Iterable[int] | None = None,
) -> dict[spikes.Key, dict[spikes.Step, int]]:
    """Fault contacts and orders per (region, reason) and local step in the windows (only
    of `reasons` when given): a contact's reason is its service content, else its
    business type; an order's its category."""
    zone = timezone.get_current_timezone()
    contacts = _fault_contacts(centre_id, faults, windows)
    orders = _fault_orders(centre_id, windows)
    if reasons is not None:
        wanted = list(reasons)
        contacts = contacts.filter(
            Q(service_content_id__in=wanted)
            | Q(service_content__isnull=True, business_type_id__in=wanted)
        )
        orders = orders.filter(category_id__in=wanted)
    found: dict[spikes.Key, Counter[spikes.Step]] = defaultdict(Counter)
    for region, content, business, started in contacts.values_list(
        "region_id", "service_content_id", "business_type_id", "started_at"
    ):
        found[(region, content or business)][spikes.step_of(started, zone)] += 1
    for region, category, created in orders.values_list(
        "customer__region_id", "category_id", "created_at"
    ):
        found[(region, category)][spikes.step_of(created, zone)] += 1
    return {key: dict(series) for key, series in found.items()}


# --------------------------------------------------------------------------- opening


@dataclass(frozen=True)
class Spike:
    """What the detection found, for the incident it opens."""

    step_start: dt.datetime
    observed: int
    baseline: float | None


def _department(centre_id: int, region: Region | None, reason: CallReason | None) -> OrgUnit | None:
    """The department the centre's dispatch rules send the reason's orders of the region
    to (the nearest category, then a rule for the region or one above it)."""
    categories: list[int] = []
    node = reason
    while node is not None:
        categories.append(node.pk)
        node = node.parent
    regions: list[int] = []
    place = region
    while place is not None:
        regions.append(place.pk)
        place = place.parent
    best: tuple[tuple[int, int, int], OrgUnit] | None = None
    for rule in dispatch_rules_of(centre_id):
        if rule.to_leaders or rule.department is None:
            continue
        if rule.category_id is not None and rule.category_id not in categories:
            continue
        if rule.region_id is not None and rule.region_id not in regions:
            continue
        rank = (
            categories.index(rule.category_id) if rule.category_id else len(categories),
            regions.index(rule.region_id) if rule.region_id else len(regions),
            rule.position,
        )
        if best is None or rank < best[0]:
            best = (rank, rule.department)
    return best[1] if best else None


def provisional_script(
    region: Region | None, reason: CallReason | None, department: OrgUnit | None
) -> str:
    """What agents tell callers until the department's own words come: the approved
    wording (口径) of a mass fault."""
    return gettext(
        "We know of the %(reason)s in %(region)s and %(department)s is already on it; we "
        "will tell you as soon as it is put right. Thank you for your patience."
    ) % {
        "reason": reason.name if reason else gettext("fault"),
        "region": region.name if region else gettext("your area"),
        "department": department.name if department else gettext("the repair team"),
    }


def incident_open(
    *,
    centre: OrgUnit,
    region: Region | None,
    reason: CallReason | None,
    origin: str = IncidentOrigin.DETECTED,
    actor: User | None = None,
    title: str = "",
    script: str = "",
    spike: Spike | None = None,
    now: dt.datetime | None = None,
) -> tuple[Incident, bool]:
    """Open the major incident of a region and call reason, or find the one open: (the
    incident, whether it was opened now). One transaction; safe under concurrency (the
    unique constraint on open incidents per scope lets one writer through, the others get
    that one).

    - `centre`, `region`, `reason`: the scope (region and reason may be None for an
      incident opened by hand for the whole centre or several reasons).
    - `origin`: IncidentOrigin.DETECTED (the detection: `actor` None, `spike` given) or
      IncidentOrigin.MANUAL (a leader: `actor` must hold insights.manage_incidents).
    - `title`, `script`: the leader's words; empty: made from the scope and the template
      (`provisional_script`).
    - `spike`: the step, its count and its baseline, kept on the incident.

    Opening by a leader publishes the script as the region's unplanned-outage notice
    (screen pop; the workbench's incident panel shows a detected one's at once) and
    alerts at once, in the app and by SMS after commit (`incidents.incident_alert`), the
    centre's team leaders, managers and back office on duty and the handlers of the
    department the dispatch rules name for the region and reason (stored as the
    incident's department).
    """
    if actor is not None and not actor.has_perm(MANAGE_INCIDENTS):
        raise Forbidden()
    now = now or timezone.now()
    department = _department(centre.pk, region, reason)
    if not title:
        title = gettext("%(region)s: %(reason)s") % {
            "region": region.name if region else centre.name,
            "reason": reason.name if reason else gettext("major incident"),
        }
    title = title[: Incident._meta.get_field("title").max_length]
    scope = {"centre": centre, "region": region, "reason": reason}
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                **scope,
                title=title,
                state=IncidentState.OPEN,
                origin=origin,
                step_start=spike.step_start if spike else None,
                observed=spike.observed if spike else None,
                baseline=spike.baseline if spike else None,
                fault_count=spike.observed if spike else 0,
                opened_at=now,
                opened_by=actor,
                department=department,
                script=script or provisional_script(region, reason, department),
            )
            audit_record(
                actor=actor,
                action="incident.open",
                obj=incident,
                after={"origin": origin, "observed": incident.observed, "title": title},
            )
            # Agents see the script at once on the workbench's incident panel; a leader's
            # open (or their first word on the script) also publishes it as the region's
            # notice, in their name.
            if actor is not None:
                incident.notice = notice_publish_for(incident, actor, now)
                incident.save(update_fields=["notice"])
            incident_alert(incident, now)
    except IntegrityError:
        existing = Incident.objects.filter(**scope, state=IncidentState.OPEN).first()
        if existing is None:  # closed meanwhile: a real error, not the race
            raise
        return existing, False
    return incident, True


# --------------------------------------------------------------------------- detection


def _chains(model: type[Region] | type[CallReason], ids: Iterable[int]) -> dict[int, list[int]]:
    """Each id with the ids above it, nearest first."""
    parents: dict[int, int | None] = dict(model.objects.values_list("pk", "parent_id"))
    chains: dict[int, list[int]] = {}
    for pk in ids:
        chain: list[int] = []
        node: int | None = pk
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        chains[pk] = chain
    return chains


def _history_first(centre_id: int, today: dt.date) -> dt.date:
    """The first day of the centre's contacts (cached a day), at most HISTORY_DAYS ago."""
    key = f"kefu:insights:history-first:{centre_id}"
    first = cache.get(key)
    if first is None:
        started = (
            Contact.objects.filter(centre_id=centre_id)
            .order_by("started_at")
            .values_list("started_at", flat=True)
            .first()
        )
        first = timezone.localdate(started) if started else today
        cache.set(key, first, 86_400)
    return max(first, today - dt.timedelta(days=HISTORY_DAYS))


def _window(step: spikes.Step, zone: object) -> tuple[dt.datetime, dt.datetime]:
    start = spikes.step_start(step, zone)
    return start, start + spikes.STEP


def detect_centre(centre: OrgUnit, *, now: dt.datetime | None = None) -> list[Incident]:
    """Judge the centre's running step and the one before; open the incidents of the
    spikes found and raise the counts of the open ones. Returns the incidents opened."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    faults = fault_reason_ids(centre.pk)
    if not faults:
        return []
    current = spikes.step_of(now, zone)
    previous = spikes.step_of(now - spikes.STEP, zone)
    judged = [previous, current]
    counts = step_counts(centre.pk, faults, [(_window(previous, zone)[0], now)])
    open_rows = list(
        Incident.objects.filter(centre=centre, state=IncidentState.OPEN).values(
            "pk", "region_id", "reason_id", "step_start", "fault_count"
        )
    )
    open_keys = {(row["region_id"], row["reason_id"]) for row in open_rows}
    rules = [
        spikes.Rule(rule.region_id, rule.reason_id, rule.min_count, float(rule.ratio))
        for rule in SpikeRule.objects.filter(centre=centre, active=True)
    ]
    floor = min([rule.min_count for rule in rules] or [spikes.DEFAULT_RULE.min_count])
    candidates = {
        key
        for key, series in counts.items()
        if key not in open_keys and any(series.get(step, 0) >= floor for step in judged)
    }
    opened: list[Incident] = []
    if candidates:
        history_first = _history_first(centre.pk, now.astimezone(zone).date())
        days = {step[0] for step in judged}
        first, last = min(days) - dt.timedelta(days=HISTORY_DAYS), max(days) + dt.timedelta(days=1)
        calendar = china_calendar(first, last)
        region_chain = _chains(Region, {key[0] for key in candidates})
        reason_chain = _chains(CallReason, {key[1] for key in candidates})
        for step in judged:
            step_keys = {key: counts[key].get(step, 0) for key in candidates}
            comparable = spikes.comparable_days(step[0], calendar, history_first)
            windows = [_window(past, zone) for past in spikes.sample_steps(comparable[0], step[1])]
            history = (
                step_counts(centre.pk, faults, windows, reasons={key[1] for key in candidates})
                if windows
                else {}
            )
            verdicts = spikes.detect_step(
                step=step,
                counts=step_keys,
                history=history,
                calendar=calendar,
                history_first=history_first,
                rules=rules,
                region_chain=region_chain,
                reason_chain=reason_chain,
                open_keys=open_keys,
                comparable=comparable,
            )
            for verdict in verdicts:
                if not verdict.spike:
                    continue
                incident, created = incident_open(
                    centre=centre,
                    region=Region.objects.get(pk=verdict.key[0]),
                    reason=CallReason.objects.select_related("parent").get(pk=verdict.key[1]),
                    spike=Spike(spikes.step_start(step, zone), verdict.count, verdict.baseline),
                    now=now,
                )
                open_keys.add(verdict.key)
                if created:
                    opened.append(incident)
    _raise_counts(centre.pk, faults, open_rows, now)
    return opened


def _raise_counts(centre_id: int, faults: set[int], rows: Sequence[Any], now: dt.datetime) -> None:
    """The open detected incidents' fault counts from their step to now."""
    for row in rows:
        if row["step_start"] is None or row["region_id"] is None or row["reason_id"] is None:
            continue
        series = step_counts(
            centre_id, faults, [(row["step_start"], now)], reasons=[row["reason_id"]]
        ).get((row["region_id"], row["reason_id"]), {})
        total = sum(series.values())
        if total > row["fault_count"]:
            # Only upwards: two workers at once leave the higher count.
            Incident.objects.filter(
                pk=row["pk"], state=IncidentState.OPEN, fault_count__lt=total
            ).update(fault_count=total)


def spikes_detect(*, now: dt.datetime | None = None) -> int:
    """Every minute: every active centre's detection; returns the incidents opened."""
    opened = 0
    for centre in OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE, active=True):
        opened += len(detect_centre(centre, now=now))
    return opened
