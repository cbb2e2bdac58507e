"""Reads of insights, one module per part."""
