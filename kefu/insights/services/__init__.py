"""Every change of insights, one module per part, each change in one transaction."""
