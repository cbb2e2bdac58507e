"""Insights' pages, one module per part (issue 21)."""
