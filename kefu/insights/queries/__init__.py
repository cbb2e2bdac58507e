"""Insights' queries, one module per part (issue 21)."""
