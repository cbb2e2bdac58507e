"""The demo centre's satisfaction and proactive service (issue 19 point 8): the callback
rules, two months of callbacks and the dissatisfied list (`callbacks`), the week's notices
and a month of appointments (`outreach`), two months of surveys (`surveys`), the seeds'
reminder plan and customer dates (`reminders`), a thank-you and a care list in progress
(`call_lists`, loaded by `load_callbacks`)."""

from kefu.satisfaction.demo.call_lists import load_call_lists
from kefu.satisfaction.demo.callbacks import load_callbacks
from kefu.satisfaction.demo.outreach import load_appointments, load_notices
from kefu.satisfaction.demo.reminders import load_reminders
from kefu.satisfaction.demo.surveys import load_surveys

__all__ = [
    "load_appointments",
    "load_call_lists",
    "load_callbacks",
    "load_notices",
    "load_reminders",
    "load_surveys",
]
