"""The nine roles of a service centre and what each may do.

Roles are Django groups; this table is their source of truth and `roles_sync` writes it to
the database after every migrate, so permissions follow the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: Promise
    permissions: frozenset[str]


AGENT = "agent"
EXPERT = "expert"
BACKOFFICE = "backoffice"
HANDLER = "handler"
LEADER = "leader"
QA = "qa"
EDITOR = "editor"
MANAGER = "manager"
ADMIN = "admin"

VIEW_CUSTOMER = "customers.view_customer"
ADD_CUSTOMER = "customers.add_customer"
CHANGE_CUSTOMER = "customers.change_customer"
VIEW_PERSONAL_DATA = "customers.view_personal_data"
CHECK_IDENTITY = "customers.check_identity"
# Answering a customer's PIPL request: export everything held about them, or anonymise them.
HANDLE_PERSONAL_DATA_REQUEST = "customers.handle_personal_data_request"
VIEW_CONTACT = "contacts.view_contact"
ADD_CONTACT = "contacts.add_contact"
VIEW_AUDIT = "core.view_auditentry"
MANAGE_USERS = "core.change_user"
# Bringing a centre's data in from spreadsheets and taking it out (the import page).
IMPORT_DATA = "core.import_data"
VIEW_TICKET = "tickets.view_ticket"
ADD_TICKET = "tickets.add_ticket"
VIEW_POLICY = "tickets.view_timelimitpolicy"
CHANGE_POLICY = "tickets.change_timelimitpolicy"
VIEW_ARTICLE = "knowledge.view_article"
CHANGE_ARTICLE = "knowledge.change_article"
VIEW_REPORTS = "metrics.view_reports"
CHANGE_TARGETS = "metrics.change_indicatortarget"
PUSH_CALL_EVENTS = "telephony.push_events"
# The centre's watch list of nuisance and abusive callers (002 第17篇 28): leaders, managers.
MANAGE_WATCH_LIST = "customers.change_watchentry"
# Taking over a contact an agent asked help with (求助): the team leader on duty, managers.
TAKE_OVER_CONTACT = "contacts.change_helprequest"
# Workforce (002 第15篇): every agent sees their own rota and asks for leave and swaps;
# team leaders, managers and administrators plan the rota and decide the requests.
VIEW_ROTA = "workforce.view_rota"
ASK_ROTA_CHANGE = "workforce.add_swaprequest"
PLAN_ROTA = "workforce.change_rota"
# The leader's duty log and the handover (002 第15篇 3.4): leaders keep and hand over their
# shift's log; managers and administrators read and search every log of their centre.
KEEP_DUTY_LOG = "workforce.add_dutylog"
# Quality (issue 18): everyone who takes contacts sees their own scores, acknowledges and
# appeals them; inspectors score, keep the scorecards and the sampling plans and calibrate;
# leaders see their team's scores, coach, and decide appeals with the inspectors.
VIEW_OWN_SCORES = "quality.view_evaluation"
SCORE_CONTACTS = "quality.add_evaluation"
MANAGE_SCORECARDS = "quality.change_scorecard"
DECIDE_APPEALS = "quality.change_appeal"
COACH_AGENTS = "quality.add_coachingtask"
VIEW_QUALITY_RESULTS = "quality.view_quality_results"
# The standard phrases (规范用语): everyone who speaks with customers or supervises reads
# them; inspectors and managers keep them.
VIEW_PHRASES = "quality.view_phrasebook"
MANAGE_PHRASES = "quality.change_phrasebook"
# Satisfaction and proactive service (issue 19): whoever takes calls also makes callbacks
# and works outbound lists (managers do not: they keep the rules and may take over any
# task); the back office, leaders and managers read the results and keep the
# dissatisfied-customer list; managers keep surveys, reminder plans and callback rules;
# the back office and the knowledge editors publish notices to customers.
VIEW_SATISFACTION = "satisfaction.view_satisfaction"
WORK_CALLBACKS = "satisfaction.work_callbacks"
MANAGE_OUTREACH = "satisfaction.manage_outreach"
REPAIR_DISSATISFIED = "satisfaction.repair_dissatisfied"
PUBLISH_NOTICES = "satisfaction.publish_notices"
# Supervision (issue 20; seed 001 3.0 and 4.5): team leaders (客服主管) and managers
# (项目经理) make the daily rounds; the QA inspectors and managers stand for the
# customer-relations department (客户关系部), which keeps the standards and checklists and
# makes the spot checks and mystery visits; whoever is made the owner of a rectification
# reports it done.
VIEW_SUPERVISION = "supervision.view_supervision"
MAKE_ROUNDS = "supervision.make_rounds"
SPOT_CHECK = "supervision.spot_check"
MANAGE_CHECKLISTS = "supervision.manage_checklists"
RECTIFY = "supervision.rectify"
# Work reports and review meetings (issue 20 point 6; 002 第14篇): everyone on staff writes
# their own daily, weekly and monthly reports; team leaders read their team's and managers
# everyone's of their centre (leaders report to them), and both hold the weekly meetings.
WRITE_REPORTS = "supervision.write_reports"
REVIEW_REPORTS = "supervision.review_reports"
HOLD_MEETINGS = "supervision.hold_meetings"
# The monthly honours (issue 20 point 4): the manager keeps the rules and confirms the
# month's honours; team leaders read the proposals before they are confirmed.
KEEP_HONOURS = "supervision.keep_honours"
VIEW_HONOUR_PROPOSALS = "supervision.view_honour_proposals"
# Assessment (issue 20 point 3): the back office and managers judge who answers for each
# closed complaint (判责); a department's handlers appeal their department's judgements and
# team leaders their team's people's; managers decide the appeals and edit the appraisal's
# weights; leaders, QA inspectors and managers read the department figures, judgements and
# appraisals.
JUDGE_COMPLAINTS = "supervision.judge_complaints"
# Opening the complaints' judgements at all: a handler sees only their department's.
VIEW_JUDGEMENTS = "supervision.view_judgements"
APPEAL_JUDGEMENTS = "supervision.appeal_judgements"
DECIDE_JUDGEMENT_APPEALS = "supervision.decide_judgement_appeals"
VIEW_ASSESSMENT = "supervision.view_assessment"
MANAGE_APPRAISAL = "supervision.manage_appraisal"
# Improvement projects (issue 20 point 5; 004): managers and team leaders keep the projects
# and the owners of the library's indicators; whoever owns an action marks it done.
KEEP_PROJECTS = "supervision.keep_projects"
# Training and exams (issue 20 point 2; 001 4.4.3): everyone who takes calls, the back
# office and the team leaders sit the exams; the QA inspectors and managers (客户关系部)
# keep the training sessions, the question bank and the exams, and mark the papers; the
# knowledge editors also write questions from their articles.
TAKE_EXAMS = "supervision.take_exams"
MANAGE_TRAINING = "supervision.manage_training"
WRITE_QUESTIONS = "supervision.write_questions"
MARK_EXAMS = "supervision.mark_exams"
# Major incidents (issue 21 point 1): whoever takes contacts or handles orders sees the
# open incidents (agents attach their callers, handlers work the one order); team leaders,
# the back office and managers open them by hand, handle and close them.
VIEW_INCIDENTS = "insights.view_incidents"
MANAGE_INCIDENTS = "insights.manage_incidents"
# The thresholds of the fault-spike detection and which reasons are faults: the managers'.
CHANGE_SPIKE_RULES = "insights.change_spikerule"
# Call-reason suggestions (issue 21 point 2): managers train the centre's model, set how
# sure a suggestion must be and read the model's figures and acceptance rate.
MANAGE_REASON_MODEL = "insights.manage_reason_model"
# Information feedback to departments (issue 21 point 3): the back office, team leaders and
# managers read every department's report, a department's handlers their own; managers
# keep the e-mail subscriptions.
VIEW_FEEDBACK = "insights.view_feedback"
MANAGE_FEEDBACK = "insights.manage_feedback"
# 绿苗计划, the shift-leader reserve (003 第二部分(八)1): managers run the half-yearly
# selection and decide; team leaders and managers nominate and score candidates; the front
# line applies and rates their own team leader in the evaluation.
MANAGE_RESERVE = "supervision.manage_reserve"
SCORE_RESERVE = "supervision.score_reserve"
JOIN_RESERVE = "supervision.join_reserve"

_FRONT_LINE = frozenset(
    {
        VIEW_CUSTOMER,
        ADD_CUSTOMER,
        CHANGE_CUSTOMER,
        VIEW_PERSONAL_DATA,
        CHECK_IDENTITY,
        VIEW_CONTACT,
        ADD_CONTACT,
        VIEW_TICKET,
        ADD_TICKET,
        VIEW_ARTICLE,
        VIEW_ROTA,
        ASK_ROTA_CHANGE,
        VIEW_OWN_SCORES,
        VIEW_PHRASES,
        WORK_CALLBACKS,
        RECTIFY,
        WRITE_REPORTS,
        TAKE_EXAMS,
        VIEW_INCIDENTS,
        JOIN_RESERVE,
    }
)

_PLANNING = frozenset({VIEW_ROTA, ASK_ROTA_CHANGE, PLAN_ROTA, KEEP_DUTY_LOG})

ROLES: dict[str, Role] = {
    role.code: role
    for role in (
        Role(AGENT, _("Agent"), _FRONT_LINE),
        Role(EXPERT, _("Expert seat"), _FRONT_LINE),
        Role(
            BACKOFFICE,
            _("Back office"),
            _FRONT_LINE
            | {
                VIEW_SATISFACTION,
                REPAIR_DISSATISFIED,
                PUBLISH_NOTICES,
                JUDGE_COMPLAINTS,
                VIEW_JUDGEMENTS,
                MANAGE_INCIDENTS,
                VIEW_FEEDBACK,
            },
        ),
        # Handlers see who an order is for, never the unmasked personal data.
        Role(
            HANDLER,
            _("Department handler"),
            frozenset(
                {
                    VIEW_CUSTOMER,
                    VIEW_TICKET,
                    VIEW_ARTICLE,
                    RECTIFY,
                    WRITE_REPORTS,
                    APPEAL_JUDGEMENTS,
                    VIEW_JUDGEMENTS,
                    VIEW_INCIDENTS,
                    VIEW_FEEDBACK,
                }
            ),
        ),
        Role(
            LEADER,
            _("Team leader"),
            frozenset(
                {
                    VIEW_CUSTOMER,
                    VIEW_CONTACT,
                    ADD_CONTACT,
                    VIEW_TICKET,
                    VIEW_ARTICLE,
                    VIEW_REPORTS,
                    MANAGE_WATCH_LIST,
                    TAKE_OVER_CONTACT,
                    DECIDE_APPEALS,
                    COACH_AGENTS,
                    VIEW_QUALITY_RESULTS,
                    VIEW_PHRASES,
                    VIEW_SATISFACTION,
                    WORK_CALLBACKS,
                    REPAIR_DISSATISFIED,
                    VIEW_SUPERVISION,
                    MAKE_ROUNDS,
                    RECTIFY,
                    WRITE_REPORTS,
                    REVIEW_REPORTS,
                    HOLD_MEETINGS,
                    VIEW_HONOUR_PROPOSALS,
                    APPEAL_JUDGEMENTS,
                    VIEW_JUDGEMENTS,
                    VIEW_ASSESSMENT,
                    KEEP_PROJECTS,
                    TAKE_EXAMS,
                    VIEW_INCIDENTS,
                    MANAGE_INCIDENTS,
                    SCORE_RESERVE,
                    VIEW_FEEDBACK,
                }
            )
            | _PLANNING,
        ),
        Role(
            QA,
            _("QA inspector"),
            frozenset(
                {
                    VIEW_CUSTOMER,
                    VIEW_CONTACT,
                    VIEW_TICKET,
                    VIEW_ARTICLE,
                    SCORE_CONTACTS,
                    MANAGE_SCORECARDS,
                    DECIDE_APPEALS,
                    VIEW_QUALITY_RESULTS,
                    VIEW_PHRASES,
                    MANAGE_PHRASES,
                    VIEW_SATISFACTION,
                    VIEW_SUPERVISION,
                    MAKE_ROUNDS,
                    SPOT_CHECK,
                    MANAGE_CHECKLISTS,
                    RECTIFY,
                    WRITE_REPORTS,
                    VIEW_JUDGEMENTS,
                    VIEW_ASSESSMENT,
                    MANAGE_TRAINING,
                    WRITE_QUESTIONS,
                    MARK_EXAMS,
                }
            ),
        ),
        Role(
            EDITOR,
            _("Knowledge editor"),
            frozenset(
                {VIEW_ARTICLE, CHANGE_ARTICLE, PUBLISH_NOTICES, WRITE_REPORTS, WRITE_QUESTIONS}
            ),
        ),
        Role(
            MANAGER,
            _("Manager"),
            frozenset(
                {
                    VIEW_CUSTOMER,
                    ADD_CUSTOMER,
                    CHANGE_CUSTOMER,
                    VIEW_PERSONAL_DATA,
                    HANDLE_PERSONAL_DATA_REQUEST,
                    VIEW_CONTACT,
                    VIEW_AUDIT,
                    VIEW_TICKET,
                    VIEW_POLICY,
                    VIEW_ARTICLE,
                    VIEW_REPORTS,
                    CHANGE_TARGETS,
                    MANAGE_WATCH_LIST,
                    TAKE_OVER_CONTACT,
                    SCORE_CONTACTS,
                    MANAGE_SCORECARDS,
                    DECIDE_APPEALS,
                    COACH_AGENTS,
                    VIEW_QUALITY_RESULTS,
                    VIEW_PHRASES,
                    MANAGE_PHRASES,
                    VIEW_SATISFACTION,
                    MANAGE_OUTREACH,
                    REPAIR_DISSATISFIED,
                    PUBLISH_NOTICES,
                    VIEW_SUPERVISION,
                    MAKE_ROUNDS,
                    SPOT_CHECK,
                    MANAGE_CHECKLISTS,
                    RECTIFY,
                    WRITE_REPORTS,
                    REVIEW_REPORTS,
                    HOLD_MEETINGS,
                    KEEP_HONOURS,
                    VIEW_HONOUR_PROPOSALS,
                    JUDGE_COMPLAINTS,
                    VIEW_JUDGEMENTS,
                    DECIDE_JUDGEMENT_APPEALS,
                    VIEW_ASSESSMENT,
                    MANAGE_APPRAISAL,
                    KEEP_PROJECTS,
                    MANAGE_TRAINING,
                    WRITE_QUESTIONS,
                    MARK_EXAMS,
                    VIEW_INCIDENTS,
                    MANAGE_INCIDENTS,
                    CHANGE_SPIKE_RULES,
                    MANAGE_REASON_MODEL,
                    SCORE_RESERVE,
                    MANAGE_RESERVE,
                    VIEW_FEEDBACK,
                    MANAGE_FEEDBACK,
                }
            )
            | _PLANNING,
        ),
        Role(
            ADMIN,
            _("Administrator"),
            _FRONT_LINE
            | {
                HANDLE_PERSONAL_DATA_REQUEST,
                VIEW_AUDIT,
                MANAGE_USERS,
                IMPORT_DATA,
                VIEW_POLICY,
                CHANGE_POLICY,
                CHANGE_ARTICLE,
                VIEW_REPORTS,
                CHANGE_TARGETS,
                PUSH_CALL_EVENTS,
                MANAGE_WATCH_LIST,
                VIEW_SATISFACTION,
                MANAGE_OUTREACH,
                REPAIR_DISSATISFIED,
                PUBLISH_NOTICES,
                VIEW_SUPERVISION,
            }
            | _PLANNING,
        ),
    )
}
