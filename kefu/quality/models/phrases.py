"""The standard phrases (规范用语, issue 18 point 6): what an agent says in each situation of
a call and what is never said there (切忌 / 不可以说), as 002 第13/17/18篇 give them, and the
festival greetings for the days around a holiday (000 第5篇; 002 第13篇 20).

A centre's library is kept in versions, as a scorecard is: a draft is edited, publishing it
retires the version in use. The version in use is what the workbench shows the agent and
what the automatic check for forbidden phrases looks for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import OrgUnit
from kefu.quality.models.scorecards import Version


class PhraseBook(Version):
    """One version of a centre's standard phrases; what an agent was shown on a day stays
    known."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("call-phrase version")
        verbose_name_plural = _("call-phrase versions")
        ordering = ["centre", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="phrase_book_unique_number"),
            # One version in use and one draft at a time.
            models.UniqueConstraint(
                fields=["centre", "state"],
                condition=models.Q(state__in=["draft", "published"]),
                name="phrase_book_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} v{self.number}"


class PhraseSituation(models.TextChoices):
    """When in a call a phrase is said, in the order of a call."""

    GREETING = "greeting", pgettext_lazy("situation", "Greeting")
    IDENTITY = "identity", pgettext_lazy("situation", "Identity check")
    UNCLEAR = "unclear", pgettext_lazy("situation", "Cannot hear or understand")
    HOLD = "hold", pgettext_lazy("situation", "Hold and return")
    TRANSFER = "transfer", pgettext_lazy("situation", "Transfer")
    APOLOGY = "apology", pgettext_lazy("situation", "Apology")
    REFUSAL = "refusal", pgettext_lazy("situation", "Refusal")
    COMPLAINT = "complaint", pgettext_lazy("situation", "Complaint")
    ANGRY = "angry", pgettext_lazy("situation", "Angry customer")
    PROGRESS = "progress", pgettext_lazy("situation", "Asking about progress")
    SUGGESTION = "suggestion", pgettext_lazy("situation", "Suggestions and praise")
    CLOSING = "closing", pgettext_lazy("situation", "Closing")
    FESTIVAL = "festival", pgettext_lazy("situation", "Festival greeting")
    ANY = "any", pgettext_lazy("situation", "Throughout the call")


class PhraseKind(models.TextChoices):
    RECOMMENDED = "recommended", _("Say")
    FORBIDDEN = "forbidden", _("Never say")


class PhraseHoliday(models.TextChoices):
    """China's statutory holidays a festival greeting may be for (the names of the State
    Council's notices). 清明节 has none in the defaults: it is no day to wish joy."""

    NEW_YEAR = "元旦", _("New Year's Day")
    SPRING = "春节", _("Spring Festival")
    TOMB_SWEEPING = "清明节", _("Tomb-sweeping Day")
    LABOUR = "劳动节", _("Labour Day")
    DRAGON_BOAT = "端午节", _("Dragon Boat Festival")
    MID_AUTUMN = "中秋节", _("Mid-autumn Festival")
    NATIONAL = "国庆节", _("National Day")


class Phrase(models.Model):
    """A phrase of a version: what to say (`recommended`) or what never to say
    (`forbidden`). A forbidden phrase marked `checked` is looked for in every transcript
    (the forbidden-phrase check), except inside its `exceptions` (喂 but not 喂养); one not
    checked describes a behaviour (hanging up while the customer still speaks) that an
    inspector judges."""

    book = models.ForeignKey(
        PhraseBook, verbose_name=_("version"), on_delete=models.CASCADE, related_name="phrases"
    )
    situation = models.CharField(_("situation"), max_length=16, choices=PhraseSituation.choices)
    kind = models.CharField(_("say or never say"), max_length=12, choices=PhraseKind.choices)
    text = models.CharField(_("wording"), max_length=300)
    when = models.CharField(
        _("when to say"),
        max_length=100,
        blank=True,
        help_text=_("The moment within the situation, e.g. the customer asks for a leader."),
    )
    checked = models.BooleanField(
        _("checked in transcripts"),
        default=False,
        help_text=_("A phrase never to say that the automatic check looks for."),
    )
    exceptions = models.CharField(
        _("allowed inside"),
        max_length=200,
        blank=True,
        help_text=_("Words that contain the phrase but are allowed, separated by 、 (喂养、喂奶)."),
    )
    holiday = models.CharField(
        _("holiday"),
        max_length=8,
        choices=PhraseHoliday.choices,
        blank=True,
        help_text=_("A festival greeting: the holiday it is for; empty for any holiday."),
    )
    source = models.CharField(_("source"), max_length=60, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("call phrase")
        verbose_name_plural = _("call phrases")
        ordering = ["book", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]
