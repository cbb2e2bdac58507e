"""Insights over the API, one router per part."""
