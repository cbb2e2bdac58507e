"""Reads of the knowledge base, always through what the user may see."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.core.errors import Forbidden
from kefu.core.models import User
from kefu.core.roles import CHANGE_ARTICLE, VIEW_ARTICLE
from kefu.knowledge.models import Article


def articles_visible_to(user: User, *, today: date | None = None) -> QuerySet[Article]:
    """Editors see every article of their centre, drafts included. Everyone else sees the
    live ones in effect today that are meant for their role."""
    if not user.has_perm(VIEW_ARTICLE):
        raise Forbidden()
    articles = Article.objects.filter(centre_id=user.centre_id)
    if user.has_perm(CHANGE_ARTICLE):
        return articles
    today = today or timezone.localdate()
    return articles.filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=today),
        Q(expires_at__isnull=True) | Q(expires_at__gte=today),
        live_version__isnull=False,
    ).filter(Q(roles="") | Q(roles__contains=f",{user.role},"))
