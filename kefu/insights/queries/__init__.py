"""Reads of insights, one module per part (issue 21)."""
