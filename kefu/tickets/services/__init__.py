"""Every change of a work order: one function, one transaction, one version, one event.

`actions` opens orders and moves them through the loop; `expert` holds the expert seat's
own steps; `steps` a department's own steps (退单, passing on, 延期) and the back office's
answers; `attachments` the files that go with a step; `backup` the AB post; `policies`
saves the time-limit policies and dispatch rules; `phrases` adds the standard phrases a
centre starts with; `sweeps` records warnings and overdue points; `recording` holds what
they all write (the order's number, clocks and events).
"""

from kefu.tickets.services.actions import (
    ASSIGNING,
    REPLY_CHANNELS,
    ActionInput,
    ticket_act,
    ticket_create,
    ticket_create_on_contact,
)
from kefu.tickets.services.attachments import ticket_act_with_files, ticket_attach
from kefu.tickets.services.backup import away_set
from kefu.tickets.services.phrases import standard_phrases_ensure
from kefu.tickets.services.policies import POLICY_FIELDS, dispatch_rule_save, policy_save
from kefu.tickets.services.recording import next_number
from kefu.tickets.services.risk import ticket_risks_set
from kefu.tickets.services.sweeps import SweepResult, deadline_sweep

__all__ = [
    "ASSIGNING",
    "POLICY_FIELDS",
    "REPLY_CHANNELS",
    "ActionInput",
    "SweepResult",
    "away_set",
    "deadline_sweep",
    "dispatch_rule_save",
    "next_number",
    "policy_save",
    "standard_phrases_ensure",
    "ticket_act",
    "ticket_act_with_files",
    "ticket_attach",
    "ticket_create",
    "ticket_create_on_contact",
    "ticket_risks_set",
]
