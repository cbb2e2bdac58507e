"""Every change to the workforce app's tables, one module a concern; each service runs in
one transaction."""
