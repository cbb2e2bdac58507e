"""Every change of supervision data, one function each, in one transaction: `checklists`
keeps the centre's checklists and their versions; `rounds` starts, records and finishes
rounds, their findings, photos, rectifications and re-checks, spot-check draws and the
questions put to staff."""
