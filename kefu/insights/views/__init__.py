"""Insights' views, one module per part (issue 21)."""
