"""Insights' api, one module per part (issue 21)."""
