"""The editorial life through the services, on the real database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import AuditEntry, Notification, User
from kefu.knowledge.models import Article, ArticleVersion, Feedback
from kefu.knowledge.queries import articles_visible_to
from kefu.knowledge.rendering import diff_lines
from kefu.knowledge.services import (
    article_act,
    article_create,
    article_expiry_sweep,
    article_update,
    feedback_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(make_user: Callable[..., User]) -> tuple[User, User]:
    return make_user("editor", username="editor-li"), make_user("editor", username="editor-wang")


def write(author: User, **change: object) -> Article:
    fields: dict[str, object] = {
        "title": "营业厅几点关门",
        "body": "营业时间：8:30-17:00",
        "kind": "faq",
        **change,
    }
    return article_create(actor=author, **fields)  # type: ignore[arg-type]


def publish(article: Article, author: User, reviewer: User) -> Article:
    article = article_act(
        actor=author, article_id=article.pk, action="submit", version=article.version
    )
    return article_act(
        actor=reviewer, article_id=article.pk, action="approve", version=article.version
    )


def test_a_draft_is_reviewed_by_another_editor_and_published_as_version_one(
    editors: tuple[User, User],
) -> None:
    author, reviewer = editors
    article = write(author)
    assert article.state == "draft" and article.live_version is None
    submitted = article_act(
        actor=author, article_id=article.pk, action="submit", version=article.version
    )
    with pytest.raises(Forbidden):
        article_act(
            actor=author, article_id=article.pk, action="approve", version=submitted.version
        )
    published = article_act(
        actor=reviewer, article_id=article.pk, action="approve", version=submitted.version
    )
    assert published.state == "published"
    assert published.live_version is not None and published.live_version.number == 1
    assert AuditEntry.objects.filter(action="article.approve", actor=reviewer).exists()


def test_editing_a_published_article_keeps_the_live_version_until_approved(
    editors: tuple[User, User],
) -> None:
    author, reviewer = editors
    article = publish(write(author), author, reviewer)
    edited = article_update(
        actor=reviewer, article_id=article.pk, version=article.version, body="营业时间：8:30-17:30"
    )
    assert edited.state == "draft" and edited.author == reviewer
    assert edited.live_version is not None and edited.live_version.body == "营业时间：8:30-17:00"
    # Now the first author reviews the second's change.
    again = publish(edited, reviewer, author)
    first, second = ArticleVersion.objects.filter(article=article).order_by("number")
    assert again.live_version == second and second.number == 2
    assert [(line.op, line.text) for line in diff_lines(first.body, second.body)] == [
        ("-", "营业时间：8:30-17:00"),
        ("+", "营业时间：8:30-17:30"),
    ]
    with pytest.raises(ValueError, match="append-only"):
        first.save()


def test_stale_versions_and_edits_under_review_are_refused(editors: tuple[User, User]) -> None:
    author, reviewer = editors
    article = write(author)
    article_update(actor=author, article_id=article.pk, version=1, title="营业厅营业时间")
    with pytest.raises(Conflict) as stale:
        article_update(actor=reviewer, article_id=article.pk, version=1, title="别的标题")
    assert stale.value.code == "version_conflict"
    article_act(actor=author, article_id=article.pk, action="submit", version=2)
    with pytest.raises(Conflict) as frozen:
        article_update(actor=author, article_id=article.pk, version=3, title="别的标题")
    assert frozen.value.code == "article_in_review"
    assert Article.objects.get(pk=article.pk).title == "营业厅营业时间"


def test_rejecting_needs_a_reason_and_returns_the_draft(editors: tuple[User, User]) -> None:
    author, reviewer = editors
    article = write(author)
    article_act(actor=author, article_id=article.pk, action="submit", version=1)
    with pytest.raises(Invalid):
        article_act(actor=reviewer, article_id=article.pk, action="reject", version=2)
    rejected = article_act(
        actor=reviewer, article_id=article.pk, action="reject", version=2, reason="时间有误"
    )
    assert rejected.state == "draft"


def test_agents_cannot_write_and_bad_input_changes_nothing(
    editors: tuple[User, User], users: dict[str, User]
) -> None:
    with pytest.raises(Forbidden):
        write(users["agent"])
    with pytest.raises(Invalid):
        write(editors[0], title=" ")
    with pytest.raises(Invalid):
        write(editors[0], effective_from=date(2026, 12, 1), expires_at=date(2026, 11, 1))
    assert not Article.objects.exists()


def test_the_sweep_warns_the_owner_once_then_expires_the_article(
    editors: tuple[User, User], settings: object
) -> None:
    author, reviewer = editors
    today = date(2026, 11, 23)
    article = publish(write(author, expires_at=today + timedelta(days=3)), author, reviewer)
    first, second = article_expiry_sweep(today=today), article_expiry_sweep(today=today)
    assert (first.warned, second.warned) == (1, 0)
    assert Notification.objects.filter(recipient=author, kind="article.expiring").count() == 1
    assert article_expiry_sweep(today=today + timedelta(days=4)).expired == 1
    expired = Article.objects.get(pk=article.pk)
    assert expired.state == "expired" and expired.live_version is None


def test_agents_see_only_live_articles_in_effect_for_their_role(
    editors: tuple[User, User], users: dict[str, User]
) -> None:
    author, reviewer = editors
    for_all = publish(write(author, title="电费查询"), author, reviewer)
    for_backoffice = publish(
        write(author, title="回访口径", roles=["backoffice"]), author, reviewer
    )
    write(author, title="草稿")
    later = publish(
        write(author, title="新电价", effective_from=timezone.localdate() + timedelta(days=5)),
        author,
        reviewer,
    )
    seen = set(articles_visible_to(users["agent"]).values_list("pk", flat=True))
    assert seen == {for_all.pk}
    assert for_backoffice.pk in set(
        articles_visible_to(users["backoffice"]).values_list("pk", flat=True)
    )
    assert later.pk in set(articles_visible_to(author).values_list("pk", flat=True))
    nobody = User.objects.create(username="nobody", centre=author.centre)
    with pytest.raises(Forbidden):
        articles_visible_to(nobody)


def test_agents_mark_articles_and_a_complaint_needs_a_note(
    editors: tuple[User, User], users: dict[str, User]
) -> None:
    author, reviewer = editors
    article = publish(write(author), author, reviewer)
    feedback_record(actor=users["agent"], article_id=article.pk, kind="helpful")
    with pytest.raises(Invalid):
        feedback_record(actor=users["agent"], article_id=article.pk, kind="outdated")
    feedback_record(
        actor=users["agent"], article_id=article.pk, kind="outdated", note="营业时间已调整"
    )
    assert list(Feedback.objects.values_list("kind", flat=True).order_by("at")) == [
        "helpful",
        "outdated",
    ]


def test_migrate_schedules_the_expiry_sweep_and_the_task_runs_it(
    editors: tuple[User, User],
) -> None:
    from django_q.models import Schedule

    from kefu.knowledge.tasks import expiry_sweep

    schedule = Schedule.objects.get(func="kefu.knowledge.tasks.expiry_sweep")
    assert schedule.schedule_type == Schedule.HOURLY
    author, reviewer = editors
    yesterday = timezone.localdate() - timedelta(days=1)
    article = publish(write(author, expires_at=yesterday + timedelta(days=1)), author, reviewer)
    Article.objects.filter(pk=article.pk).update(expires_at=yesterday)
    assert expiry_sweep() == {"expired": 1, "warned": 0}
