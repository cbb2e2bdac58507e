"""A customer's copy of their personal data as an .xlsx workbook, one sheet per part."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kefu.core.exports import local, xlsx_bytes


def _time(value: str | None) -> datetime | None:
    return local(parse_datetime(value)) if value else None


def _text(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else value


def personal_data_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def personal_data_xlsx(data: dict[str, Any]) -> bytes:
    archive = data["customer"]
    fields = [
        (_("Name"), archive["name"]),
        (_("Phones"), [phone["number"] for phone in archive["phones"]]),
        (_("ID number"), archive["id_number"]),
        (_("Account number"), archive["account_number"]),
        (_("Address"), archive["address"]),
        (_("Region"), archive["region"]),
        (_("Tier"), archive["tier"]),
        (_("Tags"), archive["tags"]),
        (_("Notes"), archive["notes"]),
        (_("Created"), _time(archive["created_at"])),
        (_("Anonymised"), _time(archive["anonymised_at"])),
        (_("Exported"), _time(data["exported_at"])),
    ]
    contacts = (
        [
            _time(row["started_at"]),
            row["channel"],
            row["caller_number"],
            row["agent"],
            _text(row["business_type"]),
            _text(row["service_content"]),
            row["summary"],
        ]
        for row in data["contacts"]
    )
    orders = (
        [
            row["number"],
            row["kind"],
            row["title"],
            row["description"],
            row["state"],
            _text(row["department"]),
            row["result"],
            _time(row["created_at"]),
            _time(row["closed_at"]),
        ]
        for row in data["work_orders"]
    )
    steps = (
        [order["number"], _time(event["at"]), event["action"], _text(event["actor"]), event["note"]]
        for order in data["work_orders"]
        for event in order["events"]
    )
    access = (
        [_time(row["at"]), _text(row["actor"]), row["action"], _text(row["ip"])]
        for row in data["access_log"]
    )
    return xlsx_bytes(
        [
            (_("Customer"), [_("Field"), _("Value")], ([name, _text(v)] for name, v in fields)),
            (
                _("Contacts"),
                [
                    _("Time"),
                    _("Channel"),
                    _("Caller number"),
                    _("Agent"),
                    _("Business type"),
                    _("Service content"),
                    _("Summary"),
                ],
                contacts,
            ),
            (
                _("Work orders"),
                [
                    _("Number"),
                    _("Kind"),
                    _("Title"),
                    _("Description"),
                    _("State"),
                    _("Department"),
                    _("Result"),
                    _("Created"),
                    _("Closed"),
                ],
                orders,
            ),
            (
                _("Work-order steps"),
                [_("Number"), _("Time"), _("Action"), _("By"), _("Note")],
                steps,
            ),
            (_("Access log"), [_("Time"), _("By"), _("Action"), _("IP address")], access),
        ]
    )
