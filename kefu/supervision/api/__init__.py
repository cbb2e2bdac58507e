"""Supervision's API, one router per part: `checklists`, `rounds` (with findings, records
and questions), `people` (rectifications and the round compliance)."""
