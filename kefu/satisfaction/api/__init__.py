"""Satisfaction and proactive service over the API at /api/v1/satisfaction/ (issue 19),
one router a concern, each mounted by kefu/api.py: notices and appointments
(`outreach`), surveys (`surveys`, under /surveys), callbacks and the dissatisfied list
(`callbacks`), reminder plans and customer dates (`reminders`)."""
