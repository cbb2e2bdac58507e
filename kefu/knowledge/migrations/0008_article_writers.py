from django.conf import settings
from django.db import migrations, models


# Four eyes: everyone who wrote part of a change may not approve it. For the changes
# not yet published, the writers are whoever the audit log shows creating or changing the
# article since its last published version, and the last author of a draft or of a text
# under review.
def writers_of_pending_changes(apps, schema_editor):
    Article = apps.get_model("knowledge", "Article")
    ArticleVersion = apps.get_model("knowledge", "ArticleVersion")
    AuditEntry = apps.get_model("core", "AuditEntry")
    pending = Article.objects.exclude(state="published")
    for article in pending.iterator():
        last = (
            ArticleVersion.objects.filter(article_id=article.pk)
            .order_by("-number")
            .values_list("published_at", flat=True)
            .first()
        )
        changes = AuditEntry.objects.filter(
            object_type="knowledge.article",
            object_id=str(article.pk),
            action__in=["article.create", "article.update"],
            actor__isnull=False,
        )
        if last is not None:
            changes = changes.filter(at__gte=last)
        writers = set(changes.values_list("actor_id", flat=True))
        if article.state in {"draft", "in_review"}:
            writers.add(article.author_id)
        if writers:
            article.writers.add(*writers)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("knowledge", "0007_search_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="writers",
            field=models.ManyToManyField(
                blank=True, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="writers"
            ),
        ),
        migrations.RunPython(writers_of_pending_changes, migrations.RunPython.noop),
    ]
