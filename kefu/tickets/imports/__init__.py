"""Time-limit policies and dispatch rules from spreadsheets, and out to them in the same
shape: `kefu import policies` (服务时限标准) and `kefu import dispatch-rules` (派单规则).

Two kinds, two files, rather than one workbook of two sheets: each is one table that a
CSV can hold as well as a workbook, a problem's row and column need no sheet to be found,
and the two change at different times (the limits when the centre's standard changes,
the routes whenever a department is added or renamed).

Everything is written as people see it on the pages: kinds, tiers and urgencies in
Chinese, categories by the call reason's code, name or 业务种类/服务内容 path, calendars by
name or title, departments by name or code, durations as 2小时, 90分钟 or 3个工作日
(kefu/tickets/durations.py) as well as PT2H. Rows are written through the services the
API uses (`policy_save`, `dispatch_rule_save`), the whole file in one transaction.
"""

from kefu.tickets.imports.dispatch_rules import DispatchRules
from kefu.tickets.imports.policies import Policies

__all__ = ["DispatchRules", "Policies"]
