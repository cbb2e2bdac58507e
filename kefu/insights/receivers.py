"""Insights listening to other apps, which know nothing of it (issue 21)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from kefu.contacts.models import Contact

logger = logging.getLogger(__name__)


def contact_saved(sender: type[Contact], instance: Contact, created: bool, **kwargs: Any) -> None:
    """A new contact: once it is committed, match it with the call-reason suggestions its
    agent was shown (issue 21 point 2, the acceptance rate). Matching never holds up or
    fails the contact's own save."""
    if not created or kwargs.get("raw"):
        return

    def match() -> None:
        from kefu.insights.services.reasons import reason_suggestion_match

        reason_suggestion_match(contact=instance)

    transaction.on_commit(match, robust=True)
