"""The API's refusals of a request's form in the user's language: each field by its name in
the interface (标题, not `title`) and each of pydantic's checks in words (最多 200 个字符,
not "String should have at most 200 characters"). The error keeps its one shape
{"code", "message", "detail"}; each detail item keeps pydantic's `type` and `loc` for
programs, and says `field`, `label` and `msg` for people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Fields of the API that no model field of the same name names, or names otherwise.
FIELD_LABELS: dict[str, str | Promise] = {
    "Idempotency-Key": gettext_lazy("idempotency key"),
    "appointment_id": gettext_lazy("appointment"),
    "article_id": gettext_lazy("Article"),
    "attachment_id": gettext_lazy("Attachment"),
    "caller": gettext_lazy("Caller number"),
    "contact_id": gettext_lazy("Contact"),
    "created_since": gettext_lazy("Created from"),
    "created_until": gettext_lazy("Created until"),
    "customer_id": gettext_lazy("Customer"),
    "date": gettext_lazy("Date"),
    "department_id": gettext_lazy("Department"),
    "event": gettext_lazy("Event"),
    "escalation": gettext_lazy("Escalation kind"),
    "files": gettext_lazy("Files"),
    "minutes": gettext_lazy("Extension minutes"),
    "notice_id": gettext_lazy("notice"),
    "expires_at": gettext_lazy("Expires on"),
    "feedback_id": gettext_lazy("Feedback"),
    "from": gettext_lazy("From"),
    "from_version": gettext_lazy("From version"),
    "id_number": gettext_lazy("ID number"),
    "into": gettext_lazy("Into work order"),
    "limit": gettext_lazy("Page size"),
    "log_id": gettext_lazy("Duty log"),
    "overdue": gettext_lazy("Overdue"),
    "phones": gettext_lazy("Phones"),
    "policy_id": gettext_lazy("Time-limit policy"),
    "position": gettext_lazy("Position"),
    "q": gettext_lazy("Search words"),
    "reason_id": gettext_lazy("Call reason"),
    "region_id": gettext_lazy("Region"),
    "rota_id": gettext_lazy("Rota"),
    "rule_id": gettext_lazy("Dispatch rule"),
    "scope": gettext_lazy("Scope"),
    "shift_id": gettext_lazy("Shift"),
    "since": gettext_lazy("From"),
    "sort": gettext_lazy("Sort by"),
    "span": gettext_lazy("Period"),
    "started_at": gettext_lazy("Start time"),
    "tag": gettext_lazy("Tag"),
    "ticket": gettext_lazy("Work order"),
    "time": gettext_lazy("Time"),
    "to": gettext_lazy("To"),
    "to_version": gettext_lazy("To version"),
    "token_id": gettext_lazy("Token"),
    "unmask": gettext_lazy("Show in full"),
    "until": gettext_lazy("Until"),
    "warning": gettext_lazy("Warning"),
    # Leave and swap requests (kefu/workforce/api/requests.py).
    "accept": gettext_lazy("Accept the swap"),
    "counterpart_id": gettext_lazy("colleague"),
    "counterpart_shift_id": gettext_lazy("shift taken"),
    "decision": gettext_lazy("Approve or refuse"),
    "leave_id": gettext_lazy("leave request"),
    "swap_id": gettext_lazy("swap request"),
    # Quality (kefu/quality/api.py).
    "answers": gettext_lazy("answers"),
    "evaluation_id": gettext_lazy("quality score"),
    "phrases": gettext_lazy("call phrases"),
    "item_id": gettext_lazy("sampled contact"),
    "scorecard_id": gettext_lazy("scorecard"),
    "transcript": gettext_lazy("transcript"),
    # Surveys (kefu/satisfaction/api/surveys.py).
    "csv": gettext_lazy("IVR scores (CSV)"),
    "questionnaire_id": gettext_lazy("questionnaire"),
    "share": gettext_lazy("share to call back"),
    "staff_id": gettext_lazy("staff ID"),
    "survey": gettext_lazy("survey"),
    "template_id": gettext_lazy("survey"),
    # Callbacks and the dissatisfied list (kefu/satisfaction/api/callbacks.py).
    "task_id": gettext_lazy("callback task"),
    "mine": gettext_lazy("Only mine"),
    "entry_id": gettext_lazy("dissatisfied-list entry"),
    "step_id": gettext_lazy("repair step"),
    "steps": gettext_lazy("repair steps"),
    "repaired": gettext_lazy("Repaired"),
    "months": gettext_lazy("Months"),
    # Outbound lists (kefu/satisfaction/api/call_lists.py).
    "list_id": gettext_lazy("outbound list"),
    "accounts": gettext_lazy("Account numbers"),
    # Supervision (kefu/supervision/api/).
    "checklist_id": gettext_lazy("checklist"),
    "checklist_item_id": gettext_lazy("checklist item"),
    "finding_id": gettext_lazy("finding"),
    "count": gettext_lazy("How many"),
    "first": gettext_lazy("From"),
    "last": gettext_lazy("To"),
    "inspector_id": gettext_lazy("inspector"),
    "items": gettext_lazy("checklist items"),
    "owner_id": gettext_lazy("owner"),
    "passed": gettext_lazy("Re-check"),
    "person_id": gettext_lazy("staff member concerned"),
    "record_id": gettext_lazy("sampled record"),
    "rectification": gettext_lazy("rectification"),
    "rectification_id": gettext_lazy("rectification"),
    "results": gettext_lazy("item results"),
    "round_id": gettext_lazy("supervision round"),
    "team_id": gettext_lazy("Team"),
    # Work reports and meetings (kefu/supervision/api/work_reports.py).
    "day": gettext_lazy("Day of the period"),
    "author_id": gettext_lazy("author"),
    "attendee_ids": gettext_lazy("attendees"),
    "action_id": gettext_lazy("action item"),
    "meeting_id": gettext_lazy("review meeting"),
    "report_id": gettext_lazy("work report"),
    "additions": gettext_lazy("people added"),
    "candidate_id": gettext_lazy("honour candidate"),
    "figure": gettext_lazy("figure"),
    "op": gettext_lazy("comparison"),
    "removals": gettext_lazy("candidates removed"),
    "judgement_id": gettext_lazy("complaint judgement"),
    "quarter": gettext_lazy("Quarter"),
    "ticket_number": gettext_lazy("Work order number"),
    "upheld": gettext_lazy("Decision"),
    "project_id": gettext_lazy("improvement project"),
    # Training and exams (kefu/supervision/api/exams.py).
    "added": gettext_lazy("Came without being expected"),
    "certifies_id": gettext_lazy("certifies for queue"),
    "exam_id": gettext_lazy("exam"),
    "needs_review": gettext_lazy("Due for review"),
    "paper_id": gettext_lazy("exam paper"),
    "parts": gettext_lazy("Paper"),
    "people": gettext_lazy("People expected"),
    "question_id": gettext_lazy("exam question"),
    "session_id": gettext_lazy("training session"),
    "trainer_id": gettext_lazy("trainer"),
    # supervision: certification by hand
    "queue_id": gettext_lazy("queue"),
    "certification_required": gettext_lazy("certification required"),
    "certification_id": gettext_lazy("certification"),
    # Call-reason suggestions (kefu/insights/api/reasons.py).
    "threshold": gettext_lazy("lowest confidence shown"),
    # Minutes signing, report reminders, the shift-leader reserve (kefu/supervision/api/).
    "admit": gettext_lazy("Decision"),
    "leader_id": gettext_lazy("Shift leader"),
    "person_ids": gettext_lazy("people to remind"),
    "selection_id": gettext_lazy("reserve selection"),
    # Repeats, duplicates and escalation risk (kefu/insights/api/repeats.py).
    "repeat_within_days": gettext_lazy("Repeat window (days)"),
    "min_score": gettext_lazy("Lowest escalation risk"),
    # Major incidents (kefu/insights/api/incidents.py).
    "incident_id": gettext_lazy("Major incident"),
    # Feedback to departments (kefu/insights/api/feedback.py).
    "period": gettext_lazy("Report period"),
    "recipients": gettext_lazy("Recipients"),
    "subscription_id": gettext_lazy("Feedback subscription"),
    # Hot topics (kefu/insights/api/topics.py).
    "compare": gettext_lazy("Compared with"),
    "dimension": gettext_lazy("Dimension"),
}
# Where pydantic says where an error is, before the field: not part of the field's name.
_SOURCES = {"body", "payload", "query", "path", "header", "cookie", "filters"}


@cache
def _model_labels() -> dict[str, str | Promise]:
    """Each field name of kefu's models and its verbose name, the first model's winning:
    what the pages call a field is what the API's errors call it."""
    labels: dict[str, str | Promise] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("kefu."):
            continue
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose is not None and str(verbose) != field.name.replace("_", " "):
                labels.setdefault(field.name, verbose)
    return labels


def field_label(name: str) -> str:
    """The field's name as the interface says it, in the current language."""
    label = FIELD_LABELS.get(name) or _model_labels().get(name)
    return str(label) if label is not None else name


def field_of(location: Iterable[Any]) -> tuple[str, str]:
    """The field an error's location points at, and how it is shown: phones[1] for the
    second phone of the list, `limits.review` for a key of a mapping."""
    parts = [part for part in location if part not in _SOURCES]
    name, shown = "", ""
    for part in parts:
        if isinstance(part, int):
            shown += f"[{part + 1}]"
        elif not name:
            name, shown = str(part), field_label(str(part))
        else:
            name, shown = str(part), f"{shown} › {field_label(str(part))}"
    return name, shown


def _bound(context: Mapping[str, Any], key: str) -> Any:
    return context.get(key, "")


def check_message(error: Mapping[str, Any]) -> str:
    """What one of pydantic's checks found, in words."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        return _("is not a field of this request")
    if kind in {"string_type", "string_unicode"}:
        return _("must be text")
    if kind == "string_too_short":
        if _bound(ctx, "min_length") == 1:
            return _("cannot be empty")
        return _("needs at least %(n)s characters") % {"n": _bound(ctx, "min_length")}
    if kind == "string_too_long":
        return _("may have at most %(n)s characters") % {"n": _bound(ctx, "max_length")}
    if kind == "string_pattern_mismatch":
        return _("is not in the expected format")
    if kind == "string_nul":
        return _("may not hold a NUL character")
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _("must be a whole number")
    if kind == "int_parsing_size":
        return _("is too large a number")
    if kind in {"float_type", "float_parsing", "decimal_type", "decimal_parsing"}:
        return _("must be a number")
    if kind == "finite_number":
        return _("must be a finite number")
    if kind == "greater_than":
        return _("must be greater than %(n)s") % {"n": _bound(ctx, "gt")}
    if kind == "greater_than_equal":
        return _("must be at least %(n)s") % {"n": _bound(ctx, "ge")}
    if kind == "less_than":
        return _("must be less than %(n)s") % {"n": _bound(ctx, "lt")}
    if kind == "less_than_equal":
        return _("must be at most %(n)s") % {"n": _bound(ctx, "le")}
    if kind in {"enum", "literal_error"}:
        return _("must be one of: %(values)s") % {"values": _bound(ctx, "expected")}
    if kind in {"bool_type", "bool_parsing"}:
        return _("must be true or false")
    if kind in {"list_type", "tuple_type", "set_type", "iterable_type"}:
        return _("must be a list")
    if kind in {"dict_type", "mapping_type", "model_type", "model_attributes_type"}:
        return _("must be an object")
    if kind == "too_short":
        return _("needs at least %(n)s items") % {"n": _bound(ctx, "min_length")}
    if kind == "too_long":
        return _("may have at most %(n)s items") % {"n": _bound(ctx, "max_length")}
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing"}:
        return _("must be a date (YYYY-MM-DD)")
    if kind == "date_from_datetime_inexact":
        return _("must be a date without a time")
    if kind in {"datetime_type", "datetime_parsing", "datetime_from_date_parsing"}:
        return _("must be a time in ISO 8601 with its offset (2026-01-01T08:00:00+08:00)")
    if kind == "datetime_object_invalid":
        return _("is not a valid time")
    if kind == "timezone_naive":
        return _("must be a time without an offset")
    if kind in {"timezone_aware", "timezone_offset"}:
        return _("needs its offset from UTC (+08:00)")
    if kind in {"time_type", "time_parsing"}:
        return _("must be a time of day (HH:MM)")
    if kind in {"time_delta_type", "time_delta_parsing"}:
        return _("must be a duration")
    if kind in {"uuid_type", "uuid_parsing", "uuid_version"}:
        return _("must be a UUID")
    if kind == "none_required":
        return _("must be left out")
    if kind in {"json_invalid", "json_type"}:
        return _("is not valid JSON")
    if kind in {"value_error", "assertion_error"}:
        reason = ctx.get("error")
        if reason is not None and str(reason):
            # A validator's own words, translated where the catalogue knows them.
            return _(str(reason))
    return _("is not valid")


def describe(errors: Iterable[Mapping[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The message that names each refused field in words, and the detail items."""
    items: list[dict[str, Any]] = []
    said: list[str] = []
    for error in errors:
        item = dict(error)
        name, label = field_of(item.get("loc") or ())
        words = check_message(item)
        item.update({"field": name, "label": label, "msg": words})
        items.append(item)
        if label:
            words = _("%(field)s: %(problem)s") % {"field": label, "problem": words}
        said.append(words)
    shown = said[:3]
    message = _("; ").join(shown)
    if len(said) > len(shown):
        message += _(" (and %(n)s more)") % {"n": len(said) - len(shown)}
    return message, items
