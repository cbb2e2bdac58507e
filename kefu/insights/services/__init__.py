"""Insights' writes, one module per part."""
