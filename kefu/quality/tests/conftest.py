"""A small centre for the quality tests: two teams, their agents, two inspectors, a
leader of team A, a manager; a published scorecard and a sampling plan; contacts of this
month for each agent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from kefu.contacts.models import Channel, Contact
from kefu.core.models import OrgUnit, User
from kefu.quality.models import Evaluation, SampleItem, SampleReason, Scorecard, ScorecardItem
from kefu.quality.services import scorecards
from kefu.quality.services.evaluations import AnswerSpec, evaluation_submit
from kefu.quality.services.sampling import sampling_plan_set

ITEMS = [
    scorecards.ItemSpec("开场", "使用规范问候语并报工号", 10, auto_check="greeting_missing"),
    scorecards.ItemSpec("开场", "核实客户身份", 10, allow_na=True),
    scorecards.ItemSpec("过程", "准确理解客户诉求", 30),
    scorecards.ItemSpec("过程", "保持前说“请您稍等”，回来说“让您久等了”", 20, allow_na=True),
    scorecards.ItemSpec("结束", "规范结束语", 30, auto_check="closing_missing"),
    scorecards.ItemSpec("红线", "未使用服务禁语", 0, fatal=True, auto_check="forbidden_phrase"),
]


@dataclass
class World:
    centre: OrgUnit
    team_a: OrgUnit
    team_b: OrgUnit
    people: dict[str, User]
    scorecard: Scorecard
    contacts: dict[str, list[Contact]] = field(default_factory=dict)

    def items(self) -> list[ScorecardItem]:
        return list(
            ScorecardItem.objects.filter(
                section__version__scorecard=self.scorecard, section__version__state="published"
            ).order_by("section__position", "position")
        )

    def answers(self, *values: str) -> dict[int, AnswerSpec]:
        """Answers in the order of the items; missing values are 'yes'."""
        items = self.items()
        padded = list(values) + ["yes"] * (len(items) - len(values))
        return {item.pk: AnswerSpec(value) for item, value in zip(items, padded, strict=True)}

    def queue(self, contact: Contact, inspector: str = "qa1") -> SampleItem:
        return SampleItem.objects.create(
            centre=self.centre,
            contact=contact,
            agent=contact.agent,
            plan=self.scorecard_plan(),
            reason=SampleReason.RANDOM,
            inspector=self.people[inspector],
            drawn_at=timezone.now(),
            month=timezone.localdate().replace(day=1),
        )

    def scorecard_plan(self) -> Any:
        from kefu.quality.models import SamplingPlan

        return SamplingPlan.objects.get(centre=self.centre, team=None, active=True)

    def score(self, contact: Contact, *values: str, inspector: str = "qa1") -> Evaluation:
        item = self.queue(contact, inspector)
        return evaluation_submit(
            actor=self.people[inspector], sample_item_id=item.pk, answers=self.answers(*values)
        )


@pytest.fixture
def world(centre: OrgUnit, make_user: Callable[..., User]) -> World:
    team_a = OrgUnit.objects.create(
        kind=OrgUnit.Kind.TEAM, code="team-a", name="一班", parent=centre
    )
    team_b = OrgUnit.objects.create(
        kind=OrgUnit.Kind.TEAM, code="team-b", name="二班", parent=centre
    )
    people = {
        "a1": make_user("agent", "a1", team=team_a, full_name="王芳"),
        "a2": make_user("agent", "a2", team=team_a, full_name="李娜"),
        "b1": make_user("agent", "b1", team=team_b, full_name="张伟"),
        "qa1": make_user("qa", "qa1", full_name="质检一"),
        "qa2": make_user("qa", "qa2", full_name="质检二"),
        "leader": make_user("leader", "leader", team=team_a, full_name="组长甲"),
        "manager": make_user("manager", "manager", full_name="经理"),
    }
    card = scorecards.scorecard_create(actor=people["qa1"], name="热线通话质检表", items=ITEMS)
    scorecards.scorecard_publish(actor=people["qa1"], scorecard_id=card.pk)
    sampling_plan_set(actor=people["qa1"], scorecard_id=card.pk, per_agent=5, per_new_agent=8)
    found = World(centre, team_a, team_b, people, card)
    # Eight finished contacts each in the three hours before now, never before this month
    # began (the draw samples this month's contacts).
    now = timezone.now()
    month = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(now).replace(day=1), dt.time())
    )
    start = max(now - dt.timedelta(hours=3), month)
    step = (now - start) / 8
    for name in ("a1", "a2", "b1"):
        found.contacts[name] = [
            Contact.objects.create(
                centre=centre,
                channel=Channel.HOTLINE,
                agent=people[name],
                started_at=start + step * n,
                ended_at=start + step * n + step / 2,
                summary=f"{name} 第{n}通",
            )
            for n in range(8)
        ]
    return found
