"""Insights pages, one module per part."""
