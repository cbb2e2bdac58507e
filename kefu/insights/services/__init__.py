"""Insights' writes, one module per part (issue 21)."""
