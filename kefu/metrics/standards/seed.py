"""The 23 contact-centre standards as the seed text gives them (002 第7篇, in its order, with
its formulas, industry figures and recommended ranges), and the rings by the duty rules
(002 第15篇). Pure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.metrics.standards.model import Group, Standard, Target, Unit

# Why a default reads the seed's words the way it does: one msgid each, shared.
_NOTE_LESS_WAITING = _(
    "The seed gives a range; only its upper end is kept, because less waiting is never worse "
    "for the caller."
)
_NOTE_MINIMUM = _(
    "The seed gives a range and also says to bring it to the minimum, so only its upper end "
    "is kept."
)
_NOTE_CEILING = _(
    "The seed's lower figure is the industry's usual value, not a floor: only the upper end "
    "is kept."
)
_NOTE_COST = _(
    "The seed's usual range is 2 to 5 yuan; a lower cost for the same calls is never a fault, "
    "so only 5 yuan is kept."
)
_NOTE_ABANDON_RANGE = _(
    "Both ends are kept: callers who give up after a very short wait have run out of patience, "
    "which the seed says deserves attention as much as long waits do."
)
_NOTE_AHT_RANGE = _(
    "Both ends are kept, as the seed asks for a range rather than a single figure; the seed's "
    "plus or minus 15 per cent is the watch margin."
)
_NOTE_TALK_RANGE = _(
    "Both ends are kept: the seed warns that calls that are too short leave callers feeling "
    "unheard."
)
_NOTE_TURNOVER_RANGE = _(
    "Both ends are kept: the seed warns that very low turnover means agents who no longer "
    "challenge themselves. The range is for a year."
)
_NOTE_RINGS = _(
    "The duty rules ask for every call to be answered within 3 rings (002 第15篇); the "
    "standards' recommendation is 2 to 4 rings (002 第7篇)."
)
NOTE_OURS = _("kefu's default: the source documents give no figure for it.")

# Actions several indicators share: one msgid, one translation.
_CHECK_FORECAST = _("Check that the call-volume forecast was accurate.")
_CHECK_ADHERENCE = _("Check that scheduled adherence is high enough.")
_CHECK_NEW_AGENTS = _("Check whether too many inexperienced agents are on duty.")
_ADD_TEMPORARY_AGENTS = _("Bring in temporary agents for call peaks.")

SEED_STANDARDS = (
    Standard(
        code="adherence",
        name=_("Adherence"),
        definition=_(
            "Time agents were logged in and ready to answer calls divided by the time they "
            "were scheduled to answer calls."
        ),
        unit=Unit.RATE,
        group=Group.AGENT,
        industry_average="",
        # seed: "最佳实际工作率应该达到92%或者更高"
        default_target=Target(low=0.92, high=None),
        seed="002 第7篇",
        seed_term="实际工作率",
        target_basis="最佳实际工作率应该达到92%或者更高",
        actions=(
            _("Make sure agents understand why high adherence matters to the centre."),
            _("Check that there are enough supervisors and that new agents get timely coaching."),
            _("Check whether agents have misunderstood the rules."),
            _("Check whether absence is too high."),
            _("Cut the time agents spend on other work relative to the call volume."),
            _("Make better use of the workforce-management software."),
        ),
    ),
    Standard(
        code="acw_seconds",
        name=_("After-call work time"),
        definition=_(
            "Average time an agent spends after a call finishing the work that belongs to it."
        ),
        unit=Unit.SECONDS,
        group=Group.AGENT,
        industry_average="60 s",
        default_target=Target(low=None, high=60),
        seed="002 第7篇",
        seed_term="事后处理时间",
        target_basis="建议目标是30秒至60秒……将事后处理时间降到最低",
        target_note=_NOTE_MINIMUM,
        actions=(
            _(
                "When training, procedures and technology are not the cause, post the target "
                "every hour until the figure improves."
            ),
            _("Adjust the set-up or position of agents' equipment that is awkward to use."),
            _("Walk through every after-call step and drop those the procedure does not need."),
            _("Train agents to enter the information while they talk to the customer."),
            _(
                "Find the agents with long after-call work, coach them through call monitoring "
                "and retrain them."
            ),
            _(
                "When the centre's average rises, look for a training, procedure or technical "
                "cause."
            ),
            _("Allow for longer after-call work from new agents while they learn."),
            _("Before adding a new data field, check that it is worth what it costs."),
        ),
    ),
    Standard(
        code="avg_abandon_seconds",
        name=_("Average time to abandon"),
        definition=_("Average time callers waited before hanging up unanswered."),
        unit=Unit.SECONDS,
        group=Group.QUEUE,
        industry_average="60 s",
        default_target=Target(low=20, high=60),
        seed="002 第7篇",
        seed_term="平均放弃时间",
        target_basis="建议标准范围为20-60秒",
        target_note=_NOTE_ABANDON_RANGE,
        actions=(
            _(
                "Treat short waits before abandoning as a warning: callers may have other "
                "options or be used to not getting through."
            ),
            _(
                "Check abandons, failed attempts and queue times for callers who cannot get "
                "through."
            ),
            _("Unless there is a particular need, track the abandonment rate rather than this."),
        ),
    ),
    Standard(
        code="cost_per_call",
        name=_("Average cost per call"),
        definition=_(
            "All the centre's costs in a period divided by all the calls it received in that "
            "period, whatever the reason and whether an agent or the system answered them."
        ),
        formula=_(
            "The monthly cost entered on the targets page, spread over the days of the period, "
            "divided by the calls that entered a queue, answered or abandoned. The telephone "
            "data sees every call that entered a queue; it does not see calls that ended in the "
            "IVR without queueing, so where many calls end there the figure reads higher than "
            "the seed's."
        ),
        unit=Unit.MONEY,
        group=Group.COST,
        industry_average="4 yuan",
        default_target=Target(low=None, high=5),
        seed="002 第7篇",
        seed_term="平均单呼成本",
        target_basis="建议标准范围介于2元至5 元之间",
        target_note=_NOTE_COST,
        actions=(
            _(
                "Trace a change back to the indicators that drive it before deciding what to "
                "adjust."
            ),
            _(
                "When it rises, compare the number of calls with the centre's fixed and "
                "variable costs."
            ),
            _("Let the IVR handle more of the routine calls."),
            _(
                "When calls fall while fixed costs stay, cut costs: fewer agents off-peak and "
                "temporary agents for new peaks."
            ),
            _("Coach new agents closely so they answer faster, accepting the short-term cost."),
        ),
    ),
    Standard(
        code="aht_seconds",
        name=_("Average handling time"),
        definition=_("Average talk time plus after-call work time per call."),
        formula=_(
            "(Talk time + after-call work time) ÷ calls completed, from the agent roll-ups. Hold "
            "time is not added: that is the variant with hold, named apart. Not available when "
            "the platform records no after-call work, which would make calls look shorter."
        ),
        unit=Unit.SECONDS,
        group=Group.AGENT,
        industry_average="8.5 min",
        # seed: 3–10 min, "并还可加减15%": the ±15 % is the watch margin.
        default_target=Target(low=180, high=600, watch_margin=0.15),
        seed="002 第7篇",
        seed_term="平均通话时间",
        target_basis="建议将这一规范的目标定在3-10分钟之间,并还可加减15%",
        target_note=_NOTE_AHT_RANGE,
        actions=(
            _("Chart the figure so that it can be read at a glance."),
            _("Have front-line supervisors report every case outside the target range."),
            _("Check for overstaffing when handling times run long, as it raises costs."),
            _("Train agents in using the equipment and in call-handling skills."),
            _("Set the range per call type and per team where you can."),
        ),
    ),
    Standard(
        code="avg_hold_seconds",
        name=_("Average hold time"),
        definition=_("Average time agents keep callers on hold."),
        unit=Unit.SECONDS,
        group=Group.AGENT,
        industry_average="60 s",
        default_target=Target(low=None, high=60),
        seed="002 第7篇",
        seed_term="平均持线时间",
        target_basis="建议目标范围应控制在20-60秒之间",
        target_note=_NOTE_LESS_WAITING,
        actions=(
            _("Check that agents, front line included, can reach the information they need."),
            _("Train agents in finding the information they need."),
            _("Check whether the systems are slow to display information."),
            _(
                "Have agents use the phone's hold rather than the headset's mute, so that hold "
                "time is measured."
            ),
            _("Review hold time regularly: it directly affects callers' mood."),
        ),
    ),
    Standard(
        code="avg_rings",
        name=_("Average rings"),
        definition=_(
            "Average number of rings a caller hears before the call is answered, by an agent "
            "or by the IVR."
        ),
        unit=Unit.RINGS,
        group=Group.QUEUE,
        industry_average="2–3",
        default_target=Target(low=None, high=3),
        seed="002 第7篇",
        seed_term="平均振铃次数",
        target_seed="002 第15篇",
        target_basis="值班人员应电话铃响3声内接听电话",
        target_note=_NOTE_RINGS,
        actions=(
            _("Keep rings to a minimum, and agree how many are acceptable at peak times."),
            _("Use the number of rings as a guide for managing queue time."),
        ),
    ),
    Standard(
        code="avg_queue_seconds",
        name=_("Average queue time"),
        definition=_(
            "Average time a call waits in the queue for an agent, over all queued calls "
            "whether answered or not."
        ),
        unit=Unit.SECONDS,
        group=Group.QUEUE,
        industry_average="150 s",
        default_target=Target(low=None, high=90),
        seed="002 第7篇",
        seed_term="平均排队时间",
        target_basis="建议的目标范围在30-90秒钟之间",
        target_note=_NOTE_LESS_WAITING,
        actions=(
            _("Check whether new procedures or policies take agents more time to learn."),
            _CHECK_NEW_AGENTS,
            _("Move more routine calls to the IVR and automate work with CTI."),
            _("Show the average queue time and the calls waiting on a wallboard."),
            _ADD_TEMPORARY_AGENTS,
            _("Adjust staffing through the day so that the service target is met throughout."),
            _("Keep queue times short on toll-free lines."),
        ),
    ),
    Standard(
        code="asa_seconds",
        name=_("Average speed of answer"),
        definition=_(
            "Total time answered calls waited in the queue divided by the number of calls answered."
        ),
        unit=Unit.SECONDS,
        group=Group.QUEUE,
        industry_average="",
        default_target=Target(low=None, high=20),  # seed: "标准长度常常定在20秒钟之内"
        seed="002 第7篇",
        seed_term="平均应答速度",
        target_basis="标准长度常常定在20秒钟之内",
        actions=(
            _("Check whether after-call work exceeds its target."),
            _("Check whether hold time is higher than expected."),
            _CHECK_FORECAST,
            _CHECK_ADHERENCE,
            _("Report it by half hour and chart the trend."),
        ),
    ),
    Standard(
        code="avg_talk_seconds",
        name=_("Average talk time"),
        definition=_("Average length of the conversation between a caller and an agent."),
        unit=Unit.SECONDS,
        group=Group.AGENT,
        industry_average="330 s",
        default_target=Target(low=270, high=360),  # seed: 270–360 s
        seed="002 第7篇",
        seed_term="平均交谈时间",
        target_basis="建议交谈时间的努力目标应以270-360秒为妙",
        target_note=_NOTE_TALK_RANGE,
        actions=(
            _("Have supervisors find the cause of a change and agree a remedy."),
            _(
                "Ask callers a few questions on satisfaction after the call and tune talk time "
                "to what satisfies them."
            ),
            _("Compare talk times per call type."),
            _("Weigh cost against satisfaction: too short a call leaves callers feeling unheard."),
            _("Find out why calls are unusually long or short."),
            _("Where longer calls earn more satisfaction, retrain agents in explaining."),
        ),
    ),
    Standard(
        code="calls_per_agent_hour",
        name=_("Calls per agent hour"),
        definition=_(
            "Calls an agent answered in a shift divided by the hours the agent was logged in."
        ),
        unit=Unit.PER_HOUR,
        group=Group.AGENT,
        industry_average="",
        # seed: from 5 to 1000 depending on the centre, so no universal target.
        default_target=None,
        seed="002 第7篇",
        seed_term="每小时呼叫次数",
        actions=(
            _("Do not judge agents on calls per hour alone: it can lower service quality."),
            _("Watch for agents gaming the system to raise their count."),
            _("Allow for changes in call volume and technology that agents cannot control."),
        ),
    ),
    Standard(
        code="monitoring_score",
        name=_("Monitoring score"),
        definition=_(
            "The grade a quality specialist gives an agent's handling of monitored calls, "
            "usually out of 100."
        ),
        unit=Unit.SCORE,
        group=Group.QUALITY,
        industry_average="",
        default_target=None,  # seed: "此规范没有一个可普遍适用的目标"
        seed="002 第7篇",
        seed_term="监听分值",
        target_basis="此规范没有一个可普遍适用的目标",
        actions=(
            _("Evaluate consistently."),
            _("Make sure agents fully understand the scoring method."),
            _("Record monitored calls so that scores can be checked against the calls."),
            _("Monitor each agent four to five times a month."),
        ),
    ),
    Standard(
        code="occupancy",
        name=_("Occupancy"),
        definition=_(
            "Talk time plus hold time divided by talk time plus hold time plus idle time."
        ),
        unit=Unit.RATE,
        group=Group.AGENT,
        industry_average="",
        default_target=Target(low=0.90, high=None),  # seed: "最好的是90%或者更大"
        seed="002 第7篇",
        seed_term="占线率",
        target_basis="此规范一般标准中最好的是90%或者更大",
        actions=(
            _("Improve training."),
            _("Improve supervision."),
        ),
    ),
    Standard(
        code="abandon_rate",
        name=_("Abandonment rate"),
        definition=_(
            "Calls the caller hung up after reaching the centre but before anyone answered, "
            "divided by all calls that reached the centre; short abandons (usually 20 s or "
            "less) are left out."
        ),
        unit=Unit.RATE,
        group=Group.QUEUE,
        industry_average="3 %",
        # seed: "行业放弃率为3%,建议在3%-5%之间". 3 % is the industry's figure, not a floor
        # (the seed names no fault in abandoning less), so only the 5 % ceiling is kept.
        default_target=Target(low=None, high=0.05),
        seed="002 第7篇",
        seed_term="呼叫放弃率",
        target_basis="行业放弃率为3%,建议在3%-5%之间",
        target_note=_NOTE_CEILING,
        actions=(
            _("Check whether waits are too long."),
            _CHECK_FORECAST,
            _("Check whether hold times have grown with new work or more dissatisfied customers."),
            _("Route routine calls to IVR and CTI self-service."),
            _("Plan overtime or extra staff for call surges."),
            _(
                "Post the abandonment rate several times a day, with the rises and falls you "
                "expect."
            ),
            _("Treat many hang-ups within 1–5 seconds as misdials, not a queue problem."),
            _(
                "Compare call length, queue delay and scheduled adherence to decide whether "
                "more agents are needed."
            ),
            _("Set the short-abandon threshold and keep short abandons out of the reports."),
        ),
    ),
    Standard(
        code="attendance",
        name=_("Attendance"),
        definition=_("Staff actually at work in a shift divided by the staff scheduled to work."),
        unit=Unit.RATE,
        group=Group.WORKFORCE,
        industry_average="",
        default_target=Target(low=0.95, high=None),  # seed: "常见的标准是95%"
        seed="002 第7篇",
        seed_term="出勤率",
        target_basis="常见的标准是95%",
        actions=(
            _("Check the reasons for absence."),
            _("Talk to absent staff about any personal problems."),
        ),
    ),
    Standard(
        code="blocked_rate",
        name=_("Blocked call rate"),
        definition=_(
            "Share of all calls to the centre that got a busy signal and never reached the ACD."
        ),
        unit=Unit.RATE,
        group=Group.QUEUE,
        industry_average="1 %",
        # seed: "建议努力目标范围控制在1%-3%之间", but "最理想的状况是没有受阻电话": no
        # blocked calls is the ideal, so 3 % is a ceiling and 1 % is not a floor.
        default_target=Target(low=None, high=0.03),
        seed="002 第7篇",
        seed_term="忙音率",
        target_basis="建议努力目标范围控制在1%-3%之间……最理想的状况是没有受阻电话",
        target_note=_NOTE_CEILING,
        actions=(
            _("Route overflow calls to another service provider."),
            _("If abandonment stays high after that, ask the overflow provider for more staff."),
            _("Add full-time or part-time agents."),
            _("Retrain staff if queue, talk and hold times have all risen."),
            _("Do not count redials after a busy signal as extra callers."),
            _("Use the carrier's reports to remove repeat dials from the figures."),
            _("Survey blocked customers to put a figure on the loss."),
        ),
    ),
    Standard(
        code="fcr",
        name=_("First-contact resolution"),
        definition=_(
            "Share of calls resolved without the caller calling again or the agent calling "
            "back, as agents code them in after-call work."
        ),
        formula=_(
            "Contacts the agent settled on the contact (no work order, so nobody calls back) "
            "and not followed by another contact from the same customer or number on the same "
            "call reason within the centre's repeat window, divided by all contacts."
        ),
        unit=Unit.RATE,
        group=Group.QUALITY,
        industry_average="85 %",
        default_target=Target(low=0.85, high=None),  # seed: 85–100 %
        seed="002 第7篇",
        seed_term="一次性解决问题的呼叫率",
        target_basis="行业平均百分比为85%,建议目标范围在85%-100%之间",
        actions=(
            _(
                "Act promptly on a fall, weighing the cost of callbacks and the dissatisfaction "
                "they cause."
            ),
            _("Let agents decide whether to call a customer back."),
            _("Use redial data to find out why callers call again, and survey them."),
            _("Train agents and check that they can reach the information they need."),
            _("Involve agents in solving the problem."),
        ),
    ),
    Standard(
        code="queued_rate",
        name=_("Queued call rate"),
        definition=_(
            "Calls placed in a queue divided by all calls the centre received: the share of "
            "callers who had to wait because no agent was free."
        ),
        unit=Unit.RATE,
        group=Group.QUEUE,
        industry_average="15 %",
        default_target=Target(low=None, high=0.20),
        seed="002 第7篇",
        seed_term="队列放置率",
        target_basis="建议范围为10%-20%",
        target_note=_NOTE_LESS_WAITING,
        actions=(
            _("Check whether the agents added are full-time, part-time or for overflow only."),
            _("Find the root cause of a rise, as it can raise the cost of calls."),
        ),
    ),
    Standard(
        code="transfer_rate",
        name=_("Transfer rate"),
        definition=_("Share of calls an agent transferred to someone else."),
        unit=Unit.RATE,
        group=Group.QUEUE,
        industry_average="3 %",
        # seed: "建议每一百个电话只有一个被转接". The margin is ours: 1 % is an aim well
        # below the industry's 3 %, so up to 2 % is WATCH rather than OFF.
        default_target=Target(low=None, high=0.01, watch_margin=1.0),
        seed="002 第7篇",
        seed_term="转接呼叫率",
        target_basis="建议每一百个电话只有一个被转接",
        actions=(
            _("Use skills-based routing so that agents can answer the callers they get."),
            _("When a transfer is needed, pass the caller's recorded details along with it."),
            _("Decide from the start between blind and announced transfers, and keep to it."),
            _("Set up a group of agents and callers to find and fix the causes of transfers."),
            _("Have supervisors report transfer counts with a plan to reduce them."),
            _("Collect agents' reasons for transfers at least monthly, ideally weekly."),
        ),
    ),
    Standard(
        code="answered_rate",
        name=_("Answered call rate"),
        definition=_("Calls answered divided by all calls that reached the centre."),
        unit=Unit.RATE,
        group=Group.QUEUE,
        industry_average="98 %",
        default_target=Target(low=0.98, high=None),
        seed="002 第7篇",
        seed_term="已复电话百分比",
        target_basis="此一规范最常见的百分比是98%",
        actions=(
            _("Read it as a pointer to problems elsewhere in the system."),
            _("Check for short peaks in the incoming calls."),
            _("Check the staffing requirement and the call-volume estimate."),
            _CHECK_NEW_AGENTS,
            _("Let an IVR with CTI take routine calls."),
            _ADD_TEMPORARY_AGENTS,
            _("Check how the forecast used history, marketing campaigns and seasonal swings."),
            _("Check that agents keep to the rules."),
        ),
    ),
    Standard(
        code="service_level",
        name=_("Service level"),
        definition=_(
            "Calls answered within X seconds (20 s unless the centre sets another) divided by "
            "all calls that reached the centre."
        ),
        unit=Unit.RATE,
        group=Group.QUEUE,
        industry_average="",
        default_target=Target(low=0.80, high=None),  # seed: 80 % of calls in 20 s
        seed="002 第7篇",
        seed_term="服务水平",
        target_basis="80%的电话都是在20秒钟之前作出的回答",
        actions=(
            _(
                "Above target, check whether calls were fewer or shorter than planned or too "
                "many agents are on duty, and adjust."
            ),
            _CHECK_FORECAST,
            _CHECK_ADHERENCE,
            _("Check how supervisors set priorities."),
            _("Review past data and related indicators."),
            _("Reschedule lunch breaks that start or end at the wrong time."),
            _("Monitor it continuously."),
        ),
    ),
    Standard(
        code="offered",
        name=_("Calls offered"),
        definition=_(
            "All calls to the centre, answered, abandoned and blocked; calls blocked before "
            "the ACD are known only from the carrier."
        ),
        unit=Unit.COUNT,
        group=Group.QUEUE,
        industry_average="",
        default_target=None,  # a volume to forecast from, not a figure to hit
        seed="002 第7篇",
        seed_term="总呼叫数",
        actions=(
            _("Chart total, answered, abandoned and blocked calls by hour, day and month."),
            _("Check by call type whether callers use several channels for one answer."),
            _(
                "Look outside the ACD for the cause of a large change: campaigns, new products, "
                "competitors."
            ),
            _("Read it together with the busy-signal figures."),
            _("Track calls by type to forecast and to schedule staff."),
        ),
    ),
    Standard(
        code="turnover",
        name=_("Agent turnover"),
        definition=_(
            "Agents who left the centre in a period as a share of the full-time headcount; "
            "the default target is for a year."
        ),
        unit=Unit.RATE,
        group=Group.WORKFORCE,
        industry_average="25 %",
        default_target=Target(low=0.15, high=0.30),
        seed="002 第7篇",
        seed_term="值机员流动率",
        target_basis="建议把努力目标定在15%至30%之间",
        target_note=_NOTE_TURNOVER_RANGE,
        actions=(
            _("Have HR staff from outside the centre hold exit interviews."),
            _("Look at supervision, working conditions and pressure, not only at pay."),
            _("Find out why resignations rise."),
            _("Treat very low turnover as a warning too."),
        ),
    ),
)
