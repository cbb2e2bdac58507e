"""The demo centre: a 95598-style power-utility hotline in Nanjing, loaded idempotently.

Configuration (regions, calendars, organisation, taxonomies, users) is created where
missing; customers and contacts are generated only into a centre that has none yet, so
running the loader twice changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.models import CallReason, Channel, Contact, Direction
from kefu.core import demo_content as content
from kefu.core.models import OrgUnit, Region, User, WorkCalendar
from kefu.core.roles import ADMIN
from kefu.core.services import audit_record, calendars_ensure
from kefu.customers.demo import load_customer_extras
from kefu.customers.models import Customer, CustomerPhone, Tag
from kefu.customers.privacy import customer_anonymise
from kefu.insights.demo.feedback import load_feedback
from kefu.insights.demo.incidents import load_incidents
from kefu.insights.demo.reasons import load_reasons
from kefu.insights.demo.repeats import load_repeats
from kefu.insights.demo.topics import load_topics
from kefu.knowledge.demo import FILES, load_knowledge, read
from kefu.quality.demo import load_quality
from kefu.satisfaction.demo import (
    load_appointments,
    load_callbacks,
    load_notices,
    load_reminders,
    load_surveys,
)
from kefu.supervision.demo import load_supervision
from kefu.telephony.calls import CONNECTED
from kefu.telephony.demo import load_telephony
from kefu.telephony.models import Call
from kefu.tickets.demo import load_phrases, load_policies, load_tickets
from kefu.tickets.models import OPEN, Ticket
from kefu.workforce.demo import demo_calls_per_day, load_workforce
from kefu.workforce.demo_duty import load_duty_logs
from kefu.workforce.demo_requests import load_demo_requests
from kefu.workforce.live import LIVE_FEED as WORKFORCE_LIVE_FEED
from kefu.workforce.queries.attendance import simulator_shifts

PASSWORD = "kefu-demo-2026"
SEED = 95598
BATCH = 2000

# (username, role, full name, team code, department code)
DEMO_USERS: list[tuple[str, str, str, str | None, str | None]] = [
    ("admin", "admin", "系统管理员", None, None),
    ("manager", "manager", "周敏", None, None),
    ("leader", "leader", "陈建华", "team-1", None),
    ("agent", "agent", "王晓婷", "team-1", None),
    ("expert", "expert", "刘志强", "expert", "expert-seat"),
    ("backoffice", "backoffice", "赵丽娟", "backoffice", None),
    ("handler", "handler", "孙海涛", None, "repair"),
    ("qa", "qa", "吴静", "qa", None),
    ("qa2", "qa", "何欣", "qa", None),
    ("editor", "editor", "郑雅琴", None, None),
    ("editor2", "editor", "钱慧", None, None),
]
# The telecom centre carries the second demo knowledge base; these read and edit it.
TELECOM_USERS = [
    ("tel-agent", "agent", "黄佳怡"),
    ("tel-editor", "editor", "许文博"),
    ("tel-editor2", "editor", "冯晓燕"),
]
EXTRA_AGENTS = 16
# The codes of the demo's two centres: the power hotline, and the telecom one whose call
# reasons and knowledge base it also carries.
TELECOM_CENTRE = "demo10010"
DEMO_CENTRES = frozenset({content.ORGANISATION["code"], TELECOM_CENTRE})


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, full name) of every demo user who can sign in, as README lists them."""
    return [(u, role, name) for u, role, name, _t, _d in DEMO_USERS] + TELECOM_USERS


STAFF = ["agent", "expert", "backoffice", "leader", "manager"]

TAGS = [
    (Tag.SENSITIVE, "敏感客户"),
    (Tag.DISSATISFIED, "不满意客户"),
    ("elderly", "老年客户"),
    ("important-load", "重要负荷"),
]

# The share of contacts that come by other channels than the hotline (WeChat, the app, …).
OTHER_CHANNELS_SHARE = 0.3
CHANNEL_WEIGHTS = {
    Channel.HOTLINE: 70,
    Channel.WECHAT: 9,
    Channel.APP: 8,
    Channel.WEB: 4,
    Channel.SMS: 2,
    Channel.EMAIL: 1,
    Channel.COUNTER: 2,
    Channel.OUTBOUND: 4,
}
# Calls by hour of day, as a 95598 line sees them: a morning peak, a lunch dip, an
# evening peak, quiet nights.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 11, 8, 9, 11, 11, 10, 9, 10, 11, 9, 6, 3, 2]


@dataclass
class DemoSummary:
    centre: OrgUnit
    customers_created: int
    contacts_created: int
    tickets_created: int
    calls_created: int = 0


def _calendars() -> dict[str, WorkCalendar]:
    return calendars_ensure()


def _regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, parent in content.REGIONS:
        regions[code], _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "parent": regions.get(parent or "")}
        )
    return regions


def _unit(kind: str, code: str, name: str, parent: OrgUnit | None, **extra: object) -> OrgUnit:
    unit, _ = OrgUnit.objects.get_or_create(
        code=code, defaults={"kind": kind, "name": name, "parent": parent, **extra}
    )
    return unit


def _taxonomy(centre: OrgUnit, taxonomy: content.Taxonomy) -> None:
    dims = CallReason.Dimension
    existing = set(CallReason.objects.filter(centre=centre).values_list("dimension", "code"))
    for position, (code, name) in enumerate(taxonomy["customer_attribute"]):
        if (dims.CUSTOMER_ATTRIBUTE, code) not in existing:
            CallReason.objects.create(
                centre=centre,
                dimension=dims.CUSTOMER_ATTRIBUTE,
                code=code,
                name=name,
                position=position,
            )
    for position, (code, name, contents) in enumerate(taxonomy["business_type"]):
        business, _ = CallReason.objects.get_or_create(
            centre=centre,
            dimension=dims.BUSINESS_TYPE,
            code=code,
            defaults={"name": name, "position": position},
        )
        for sub_position, (content_code, content_name) in enumerate(contents):
            if (dims.SERVICE_CONTENT, content_code) not in existing:
                CallReason.objects.create(
                    centre=centre,
                    dimension=dims.SERVICE_CONTENT,
                    code=content_code,
                    name=content_name,
                    parent=business,
                    position=sub_position,
                )


def _login(
    username: str,
    role: str,
    full_name: str,
    centre: OrgUnit,
    team: OrgUnit | None = None,
    department: OrgUnit | None = None,
) -> None:
    """A demo user who signs in with PASSWORD, as `user_create` makes one (same fields, same
    audit row) but with the password hashed once for all of them: a dozen deliberately slow
    hashes would cost the load ten seconds."""
    if User.objects.filter(username=username).exists():
        return
    user = User.objects.create(
        username=username,
        full_name=full_name,
        centre=centre,
        team=team,
        department=department,
        is_staff=role == ADMIN,
        is_superuser=role == ADMIN,
        password=_hashed_password(),
    )
    user.groups.add(Group.objects.get(name=role))
    audit_record(
        actor=None,
        action="user.create",
        obj=user,
        after={"username": username, "role": role, "centre": centre.pk},
    )


@cache
def _hashed_password() -> str:
    return make_password(PASSWORD)


def _users(centre: OrgUnit) -> list[User]:
    units = {unit.code: unit for unit in OrgUnit.objects.filter(parent=centre)}
    for username, role, full_name, team, department in DEMO_USERS:
        _login(
            username, role, full_name, centre, units.get(team or ""), units.get(department or "")
        )
    rng = random.Random(SEED + 1)
    agents_group = Group.objects.get(name="agent")
    for index in range(1, EXTRA_AGENTS + 1):
        username = f"agent{index:02d}"
        if User.objects.filter(username=username).exists():
            continue
        # Colleagues who fill the history; they cannot sign in until an admin sets a password.
        user = User.objects.create(
            username=username,
            full_name=content.person_name(rng),
            centre=centre,
            team=units[f"team-{(index - 1) % 4 + 1}"],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(agents_group)
    return list(
        User.objects.filter(centre=centre, groups__name__in=["agent", "expert"]).order_by("pk")
    )


def _customers(centre: OrgUnit, count: int, regions: dict[str, Region]) -> int:
    start = Customer.objects.filter(centre=centre).count()
    if start >= count:
        return 0
    rng = random.Random(SEED + start)
    tags = {tag.code: tag for tag in Tag.objects.all()}
    through = Customer.tags.through
    created = 0
    now = timezone.now()
    for batch_start in range(start, count, BATCH):
        batch_end = min(batch_start + BATCH, count)
        customers: list[Customer] = []
        phones: list[list[str]] = []
        for index in range(batch_start, batch_end):
            text, region_code = content.address(rng)
            customer = Customer(
                centre=centre,
                name=content.person_name(rng),
                account_number=content.account_number(index),
                address=text,
                region=regions[region_code],
                tier=content.customer_tier(rng),
                created_at=now,
                updated_at=now,
            )
            customer.id_number = content.id_number(rng, region_code)
            customers.append(customer)
            numbers = [content.mobile_number(rng)]
            if rng.random() < 0.35:
                numbers.append(content.fixed_number(rng))
            if rng.random() < 0.1:
                numbers.append(content.mobile_number(rng))
            phones.append(numbers)
        Customer.objects.bulk_create(customers, batch_size=500)
        if customers[0].pk is None:  # backends that do not return keys: read them back
            by_account = dict(
                Customer.objects.filter(
                    account_number__in=[c.account_number for c in customers]
                ).values_list("account_number", "pk")
            )
            for customer in customers:
                customer.pk = by_account[customer.account_number]
        CustomerPhone.objects.bulk_create(
            [
                CustomerPhone(
                    customer=customer,
                    number=number,
                    kind=CustomerPhone.Kind.MOBILE
                    if number[0] == "1"
                    else CustomerPhone.Kind.FIXED,
                    position=position,
                )
                for customer, numbers in zip(customers, phones, strict=True)
                for position, number in enumerate(dict.fromkeys(numbers))
            ],
            batch_size=1000,
        )
        links = []
        for customer in customers:
            roll = rng.random()
            if roll < 0.03:
                links.append(through(customer_id=customer.pk, tag_id=tags[Tag.SENSITIVE].pk))
            if 0.03 <= roll < 0.07:
                links.append(through(customer_id=customer.pk, tag_id=tags[Tag.DISSATISFIED].pk))
            if rng.random() < 0.08:
                links.append(through(customer_id=customer.pk, tag_id=tags["elderly"].pk))
        through.objects.bulk_create(links, batch_size=1000)
        created += len(customers)
    return created


def _contacts(
    centre: OrgUnit, *, days: int, limit: int | None, orders: int, agents: list[User]
) -> tuple[int, dict[int, str]]:
    """The contacts the agents recorded: one for every call they answered, as a well-run
    centre records them, and the other channels' contacts beside them in proportion.

    ``orders`` of them (with a known customer) opened a work order and say so; every other
    one was settled on the spot and says nothing of an order. ``limit``, when given, keeps
    that many of them (tests). Returns the count and the title of each order-opening
    contact's work order, by contact id.
    """
    if Contact.objects.filter(centre=centre).exists() or limit == 0:
        return 0, {}
    rng = random.Random(SEED + 2)
    reasons = list(CallReason.objects.filter(centre=centre))
    attributes = [r for r in reasons if r.dimension == CallReason.Dimension.CUSTOMER_ATTRIBUTE]
    by_code = {r.code: r for r in reasons}
    kinds = {
        order: [
            (by_code[business], by_code[code])
            for business, code in content.note_contents("power", order=order)
            if business in by_code and code in by_code
        ]
        for order in (True, False)
    }
    calls = list(
        Call.objects.filter(
            queue__centre=centre,
            outcome__in=[outcome.value for outcome in CONNECTED],
            connected_at__isnull=False,
            agent__user__isnull=False,
        )
        .order_by("pk")
        .values_list(
            "pk", "connected_at", "ended_at", "caller_number", "customer_id", "agent__user_id"
        )
    )
    others = round(len(calls) * OTHER_CHANNELS_SHARE / (1 - OTHER_CHANNELS_SHARE))
    if limit is not None:
        hotline = min(len(calls), round(limit * (1 - OTHER_CHANNELS_SHARE)))
        calls = sorted(rng.sample(calls, hotline))
        others = limit - hotline
    regions = dict(Customer.objects.filter(centre=centre).values_list("pk", "region_id"))
    known = list(regions)
    first_phone = dict(
        CustomerPhone.objects.filter(customer__centre=centre, position=0).values_list(
            "customer_id", "number"
        )
    )
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    now = timezone.now()
    # (started, ended, channel, caller number, customer, agent id, call id)
    rows: list[tuple[datetime, datetime, str, str, int | None, int, int | None]] = [
        (connected, ended or now, Channel.HOTLINE.value, number, customer, user, pk)
        for pk, connected, ended, number, customer, user in calls
        if connected is not None
    ]
    channels: list[str] = [c.value for c in CHANNEL_WEIGHTS if c != Channel.HOTLINE]
    channel_weights = [CHANNEL_WEIGHTS[Channel(channel)] for channel in channels]
    for _other in range(others):
        ended = now + timedelta(days=1)
        while ended > now:  # today's later hours have not happened yet: draw again
            day = today - timedelta(days=rng.randrange(days + 1))
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            started = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), zone)
            ended = started + timedelta(seconds=rng.randint(45, 900))
        customer = rng.choice(known) if known and rng.random() < 0.8 else None
        number = first_phone.get(customer, "") if customer else content.mobile_number(rng)
        channel: str = rng.choices(channels, weights=channel_weights)[0]
        rows.append((started, ended, channel, number, customer, rng.choice(agents).pk, None))
    rows.sort(key=lambda row: row[0])
    with_customer = [index for index, row in enumerate(rows) if row[4] is not None]
    opening = set(rng.sample(with_customer, min(orders, len(with_customer))))
    contacts: list[Contact] = []
    titles: list[str] = []
    for index, (started, ended, channel, number, customer, agent, _call) in enumerate(rows):
        order = index in opening
        business, service = rng.choice(kinds[order])
        note = content.contact_note(
            rng, business.code, service.code, order=order, day=timezone.localdate(started)
        )
        titles.append(note.title)
        contacts.append(
            Contact(
                centre=centre,
                channel=channel,
                direction=Direction.OUTBOUND if channel == Channel.OUTBOUND else Direction.INBOUND,
                caller_number=number,
                customer_id=customer,
                agent_id=agent,
                started_at=started,
                ended_at=max(ended, started + timedelta(seconds=1)),
                customer_attribute=rng.choice(attributes),
                region_id=regions.get(customer) if customer else None,
                business_type=business,
                service_content=service,
                summary=note.summary,
                settled=not order,
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=1000)
    if contacts and contacts[0].pk is None:  # backends that do not return keys: read them
        # back (the centre had none, and rows are inserted in order).
        ids = Contact.objects.filter(centre=centre).order_by("pk").values_list("pk", flat=True)
        for contact, pk in zip(contacts, ids, strict=True):
            contact.pk = pk
    links = [
        (contact.pk, row[6])
        for contact, row in zip(contacts, rows, strict=True)
        if row[6] is not None
    ]
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE telephony_call SET contact_id = %s WHERE id = %s", links)
    return len(contacts), {contacts[index].pk: titles[index] for index in opening}


def _anonymised_customer(centre: OrgUnit) -> None:
    """One customer who asked to be forgotten (PIPL): their contacts and orders stay in the
    reports, with nothing left that names them."""
    customer = (
        Customer.objects.filter(centre=centre, tickets__isnull=False, contacts__isnull=False)
        .exclude(pk__in=Ticket.objects.filter(OPEN).values("customer_id"))
        .order_by("pk")
        .first()
    )
    if customer is not None:
        customer_anonymise(actor=None, customer=customer, reason="示例：客户来函要求删除个人信息")


Progress = Callable[[str], None]


def _silent(message: str) -> None:
    pass


@transaction.atomic
def demo_load(
    *,
    customers: int = 3000,
    contacts: int | None = None,
    tickets: int = 1500,
    days: int = 60,
    progress: Progress = _silent,
) -> DemoSummary:
    """Load the demo centre as it stands at this moment: `days` days of history up to now.

    ``contacts`` None records one contact for every answered call and the other channels'
    in proportion (as a well-run centre does); a number keeps that many (tests).
    ``progress`` is told each step as it starts.
    """
    progress(str(_("Organisation, calendars, call reasons and users")))
    calendars = _calendars()
    regions = _regions()
    org = content.ORGANISATION
    centre = _unit(
        OrgUnit.Kind.CENTRE, org["code"], org["name"], None, calendar=calendars["workhours"]
    )
    for team in org["teams"]:
        _unit(OrgUnit.Kind.TEAM, team["code"], team["name"], centre)
    for department in org["departments"]:
        _unit(OrgUnit.Kind.DEPARTMENT, department["code"], department["name"], centre)
    _unit(OrgUnit.Kind.DEPARTMENT, "expert-seat", "专席", centre, expert_seat=True)
    for code, name in TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name})
    _taxonomy(centre, content.POWER_TAXONOMY)
    telecom = _unit(
        OrgUnit.Kind.CENTRE,
        TELECOM_CENTRE,
        "10010客服中心（示例分类）",
        None,
        calendar=calendars["workhours"],
    )
    _taxonomy(telecom, content.TELECOM_TAXONOMY)
    agents = _users(centre)
    for username, role, full_name in TELECOM_USERS:
        _login(username, role, full_name, telecom)
    progress(str(_("Knowledge bases")))
    editors = {"nj95598": ("editor", "editor2"), "demo10010": ("tel-editor", "tel-editor2")}
    for name in FILES:
        data = read(name)
        author, reviewer = (User.objects.get(username=u) for u in editors[data["centre"]])
        load_knowledge(author=author, reviewer=reviewer, data=data)
    progress(str(_("Customers")))
    customers_created = _customers(centre, customers, regions)
    load_policies(centre)
    load_phrases()
    progress(str(_("Shift templates, staff and rotas")))
    load_workforce(centre, agents)
    load_demo_requests(centre)
    progress(str(_("Telephone history (%(days)s days)")) % {"days": days})
    today = timezone.localdate()
    # The agents follow the demo's rota where it has one (loaded before this step).
    shifts = simulator_shifts(centre, today - timedelta(days=days), today)
    calls_created = load_telephony(
        centre,
        agents,
        days=days,
        shifts=shifts,
        live_feed=WORKFORCE_LIVE_FEED,
        calls_per_day=demo_calls_per_day(len(agents)),
    )
    progress(str(_("Contacts")))
    contacts_created, titles = _contacts(
        centre, days=days, limit=contacts, orders=tickets, agents=agents
    )
    progress(str(_("Work orders")))
    staff = {user.username: user for user in User.objects.filter(username__in=STAFF)}
    tickets_created = load_tickets(centre, tickets, staff, titles=titles, progress=progress)
    load_duty_logs(centre)
    progress(str(_("Quality inspection")))
    load_quality(centre, days=days)
    progress(str(_("Notices to customers")))
    load_notices(centre, staff["backoffice"])
    load_appointments(centre, [staff["agent"], staff["backoffice"]])
    progress(str(_("Surveys")))
    load_surveys(centre, days=days)
    progress(str(_("Callbacks and dissatisfied customers")))
    load_callbacks(centre, days=days)
    progress(str(_("Reminder plans")))
    load_reminders(centre)
    progress(str(_("Supervision rounds")))
    load_supervision(centre)
    if contacts_created:  # the notes as agents write them, and the model learnt from them
        progress(str(_("Call-reason model")))
        load_reasons(centre)
    progress(str(_("Repeats and escalation risk")))
    load_repeats(centre)
    load_topics(centre)
    progress(str(_("Major incidents")))
    load_incidents(centre)
    load_feedback(centre)  # the departments' feedback reports by e-mail
    if customers_created:
        _anonymised_customer(centre)
        load_customer_extras(centre, staff)
    if customers_created or contacts_created or tickets_created or calls_created:
        audit_record(
            actor=None,
            action="demo.load",
            obj=centre,
            after={
                "customers": customers_created,
                "contacts": contacts_created,
                "tickets": tickets_created,
                "calls": calls_created,
            },
        )
    return DemoSummary(centre, customers_created, contacts_created, tickets_created, calls_created)
