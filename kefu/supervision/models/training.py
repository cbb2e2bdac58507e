"""Training and exams (issue 20 point 2; seed 001 4.4.3: 客户关系部定期对各项目客服人员进行
服务礼仪、沟通技巧、法律法规、行业知识等方面的培训; 每季度组织全体客服人员进行一次综合性的考试;
000 第3篇: 通过技能培训考试, 持证上岗).

- `TrainingSession` and `Attendance`: a session on one of the four topics of 4.4.3.1, when,
  the trainer, and who was expected and who came.
- `Question`: the question bank by topic; a question may be written from a knowledge
  article (its source), and is due for review once the article changes after it.
- `Exam`: a paper spec (topics, how many questions of each kind, their points), a window,
  a time limit, a pass mark, the rule for partial multiple-choice answers, and the queue
  passing it certifies for.
- `Paper` and `PaperQuestion`: one person's paper, drawn once (reloading never redraws),
  each question copied as it was drawn, the answer, the points given by the automatic
  marking or a marker.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.knowledge.models import Article
from kefu.telephony.models import Queue


class TrainingTopic(models.TextChoices):
    """001 4.4.3.1: 服务礼仪、沟通技巧、法律法规、行业知识."""

    ETIQUETTE = "etiquette", _("Service etiquette")
    COMMUNICATION = "communication", _("Communication skills")
    LAW = "law", _("Laws and regulations")
    BUSINESS = "business", _("Business knowledge")


class ExamQuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT = "short", _("Short answer")


class PartialRule(models.TextChoices):
    """How a multiple-choice answer with some of the right options and no wrong one is
    marked; any wrong option always earns nothing."""

    NONE = "none", _("All or nothing")
    HALF = "half", _("Half the points for a partial answer")
    PROPORTIONAL = "proportional", _("Points in proportion to the right options chosen")


class ExamKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly exam")
    AD_HOC = "ad_hoc", _("Ad hoc exam")


class PaperState(models.TextChoices):
    TAKING = "taking", _("Being taken")
    SUBMITTED = "submitted", _("Awaiting marking")
    MARKED = "marked", _("Marked")


class TrainingSession(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=14, choices=TrainingTopic.choices)
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(_("length in minutes"))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trainer_name = models.CharField(
        _("outside trainer"), max_length=60, blank=True, help_text=_("When not one of us.")
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at", "-id"]
        permissions = [
            ("take_exams", _("Can take exams")),
            ("manage_training", _("Can keep training sessions, the question bank and exams")),
            ("write_questions", _("Can write exam questions")),
            ("mark_exams", _("Can mark exam papers")),
        ]
        indexes = [models.Index(fields=["centre", "starts_at"], name="supervision_training_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="supervision_training_minutes"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    present = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="supervision_attend_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.present}"


class Question(models.Model):
    """A question of the bank. `options` are the choices' texts (choice kinds only);
    `key` the right answer: the indexes of the right options, `true`/`false`, or for a short
    answer the reference answer the marker reads."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=14, choices=TrainingTopic.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=ExamQuestionKind.choices)
    text = models.TextField(_("question"), max_length=1000)
    options = models.JSONField(_("options"), default=list, blank=True)
    key = models.JSONField(_("answer"))
    article = models.ForeignKey(
        Article,
        verbose_name=_("source article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The article's version when the question was written or last reviewed: a later
    # version means the article changed and the question is due for review.
    article_version = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("exam question")
        verbose_name_plural = _("exam questions")
        ordering = ["topic", "kind", "id"]
        indexes = [
            models.Index(fields=["centre", "topic", "kind"], name="supervision_question_idx")
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def needs_review(self) -> bool:
        """The source article changed after the question was written (or last reviewed)."""
        return (
            self.article is not None
            and self.article_version is not None
            and self.article.version != self.article_version
        )


class Exam(models.Model):
    """`spec`: `{kind: {"count": n, "points": p}}` for the kinds the paper holds; the
    questions are drawn from the active questions of `topics`."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ExamKind.choices)
    title = models.CharField(_("title"), max_length=100)
    topics = models.JSONField(_("topics"))
    spec = models.JSONField(_("paper"))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    minutes = models.PositiveSmallIntegerField(_("time limit in minutes"))
    pass_mark = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal(60)
    )
    partial_rule = models.CharField(
        _("partial multiple-choice answers"),
        max_length=12,
        choices=PartialRule.choices,
        default=PartialRule.HALF,
    )
    certifies = models.ForeignKey(
        Queue,
        verbose_name=_("certifies for queue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certification_days = models.PositiveSmallIntegerField(
        _("certification valid for (days)"), default=365
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["centre", "closes_at"], name="supervision_exam_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="supervision_exam_window",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="supervision_exam_minutes"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Paper(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="papers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    seed = models.BigIntegerField(_("draw seed"))
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("time up at"))
    submitted_at = models.DateTimeField(_("handed in"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=PaperState.choices, default=PaperState.TAKING
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    out_of = models.DecimalField(_("out of"), max_digits=6, decimal_places=2)
    percent = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("exam paper")
        verbose_name_plural = _("exam papers")
        ordering = ["exam", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "person"], name="supervision_paper_once")
        ]
        indexes = [models.Index(fields=["person", "state"], name="supervision_paper_who_idx")]

    def __str__(self) -> str:
        return f"{self.exam} · {self.person_id}"


class PaperQuestion(models.Model):
    """A question as it was drawn (text, options, key copied), the answer given, and the
    points: `auto_points` from the automatic marking of objective questions, `points`
    the final ones (a marker's for a short answer)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExamQuestionKind.choices)
    text = models.TextField(_("question"))
    options = models.JSONField(default=list, blank=True)
    key = models.JSONField()
    worth = models.DecimalField(_("worth"), max_digits=5, decimal_places=2)
    answer = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.CharField(_("marker's comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("paper question")
        verbose_name_plural = _("paper questions")
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="supervision_paper_position")
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}#{self.position}"
