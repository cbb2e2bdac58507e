from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason
from kefu.core.models import AppendOnly, OrgUnit
from kefu.knowledge.lifecycle import State


class ArticleKind(models.TextChoices):
    FAQ = "faq", _("FAQ")
    SCRIPT = "script", _("Approved wording")
    PROCEDURE = "procedure", _("Procedure")
    NOTICE = "notice", _("Notice")
    CASE = "case", _("Case")


# The API names each enum after its class, so the class name is unique across the apps.
Kind = ArticleKind


class FeedbackKind(models.TextChoices):
    HELPFUL = "helpful", _("Helpful")
    OUTDATED = "outdated", _("Outdated")
    WRONG = "wrong", _("Wrong")


STATE_CHOICES = [
    (State.DRAFT.value, _("Draft")),
    (State.IN_REVIEW.value, _("In review")),
    (State.PUBLISHED.value, _("Published")),
    (State.WITHDRAWN.value, _("Withdrawn")),
    (State.EXPIRED.value, _("Expired")),
]


class KnowledgeCategory(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="kb_category_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """The working copy of an article; what agents read is its live version."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    category = models.ForeignKey(
        KnowledgeCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # 相似问法: the ways callers put the question the article answers. Searched like the
    # title, since a caller's wording rarely matches the editor's.
    questions = models.JSONField(_("also asked as"), default=list, blank=True)
    call_reasons = models.ManyToManyField(
        CallReason, verbose_name=_("call reasons"), blank=True, related_name="+"
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    expires_at = models.DateField(_("expires on"), null=True, blank=True)
    # ",agent,backoffice,": the roles that see the article, comma-fenced so one LIKE finds a
    # role on every database (JSON containment is not SQLite's); empty for every role.
    roles = models.CharField(_("visible to roles"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=STATE_CHOICES, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Whoever last wrote the working copy: the one person who may not approve it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Everyone who wrote any part of the working copy since the last published version
    # (the author among them): none of them may approve it. Emptied by each approval.
    writers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("writers"), blank=True, related_name="+"
    )
    live_version = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("live version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expiry_warned_on = models.DateField(null=True, blank=True)
    views = models.PositiveIntegerField(_("views"), default=0)
    uses = models.PositiveIntegerField(_("uses"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["centre", "state"], name="kb_article_state_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def readable(self) -> Article | ArticleVersion:
        """What readers see: the live version while there is one, else the working copy."""
        return self.live_version or self


class ArticleVersion(AppendOnly):
    """What was published, as it was: never changed afterwards."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class Feedback(models.Model):
    """An agent's word on an article: the editors' queue is made of these."""

    Kind = FeedbackKind

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.article} {self.kind}"


class Synonym(models.Model):
    """Words that mean the same to the callers and to the editors (光猫, 光调制解调器, ONU):
    a search for one finds articles that use any of them."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    words = models.CharField(
        _("words"),
        max_length=300,
        help_text=_("Words that mean the same, separated by commas."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonyms")
        ordering = ["centre", "id"]

    def __str__(self) -> str:
        return self.words


class SearchTerm(models.Model):
    """A term the search index holds and in how many articles: the vocabulary that
    corrects misheard words (by pinyin) and suggests words as the agent types. On
    PostgreSQL it also gives each term its weight."""

    term = models.CharField(max_length=64, primary_key=True)
    documents = models.PositiveIntegerField(default=0)
    pinyin = models.CharField(max_length=200, db_index=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


class SearchStats(models.Model):
    """How many articles the index holds and how many terms in all (one row): BM25 needs
    both, and counting them on every search would cost more than the search."""

    documents = models.PositiveIntegerField(default=0)
    terms = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.documents} / {self.terms}"


class ArticleUse(AppendOnly):
    """An article an agent used to answer a contact or handle a work order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("article use")
        verbose_name_plural = _("article uses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact__isnull=False) | models.Q(ticket__isnull=False),
                name="kb_use_names_what",
            ),
            models.UniqueConstraint(fields=["article", "contact"], name="kb_use_once_per_contact"),
            models.UniqueConstraint(fields=["article", "ticket"], name="kb_use_once_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.contact_id or self.ticket_id}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never trusted
    # as a path.
    return f"knowledge/{instance.article_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file that goes with an article: a form, a leaflet, a photo of a meter."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
