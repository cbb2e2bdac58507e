"""The demo centre's insights (issue 21), one module per part, each called by kefu/demo.py
once the contacts, work orders, quality and satisfaction are loaded: `reasons` (the notes
as agents write them and the model learnt from them), `repeats` (repeats, a likely
duplicate, risky orders), `topics` (a rising topic), `incidents` (today's closed
incident and `kefu demo incident`) and `feedback` (the departments' report subscriptions).
`notes` is pure, so the benchmark reads it without a database."""
