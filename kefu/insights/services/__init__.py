"""Insights' services, one module per part (issue 21)."""
