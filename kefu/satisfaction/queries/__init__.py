"""Reads of the satisfaction app that more than one caller needs: callback tasks
(`callbacks`), the dissatisfied list (`dissatisfied`)."""
