"""Insights over the API at /api/v1/insights/, one module per part (issue 21)."""
