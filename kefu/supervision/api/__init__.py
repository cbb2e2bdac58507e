"""Supervision's API, one router per part: `checklists`, `rounds` (with findings, records
and questions), `people` (rectifications and the round compliance), `exams`, `assessment`,
`honours`, `projects` and `work_reports`; and the request bodies they share."""

from kefu.core.schemas import StrictSchema, Version


class SupervisionVersionIn(StrictSchema):
    """A step that changes nothing but the state of what it names (an improvement project
    started, a work report submitted), sent with the version the client read."""

    version: Version
