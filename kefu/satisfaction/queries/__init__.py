"""Reads of the satisfaction app that more than one caller needs."""
