"""Files that go with an article, checked by content (`kefu.core.filetypes`)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from kefu.core import filetypes
from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.services import audit_record
from kefu.knowledge.models import (
    Article,
    Attachment,
)
from kefu.knowledge.services.articles import editor_centre

# --- attachments ------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor: User, article_id: int, upload: UploadedFile) -> Attachment:
    """Attach a file to an article. Its name must end in one of the allowed types and its
    content must be of that type (kefu.core.filetypes); empty files, files that cannot
    be read and files over KEFU_KB_ATTACHMENT_MAX_BYTES are refused, each with its reason."""
    centre_id = editor_centre(actor)
    article = Article.objects.filter(pk=article_id, centre_id=centre_id).first()
    if article is None:
        raise NotFound(code="article_not_found")
    name = Path(upload.name or "").name[:200]
    content_type = filetypes.upload_check(
        name, upload.size or 0, upload, max_bytes=settings.KEFU_KB_ATTACHMENT_MAX_BYTES
    )
    attachment = Attachment(
        article=article,
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="article.attach",
        obj=article,
        after={"name": name, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment_id: int) -> None:
    centre_id = editor_centre(actor)
    attachment = Attachment.objects.filter(pk=attachment_id, article__centre_id=centre_id).first()
    if attachment is None:
        raise NotFound(code="attachment_not_found")
    audit_record(
        actor=actor,
        action="article.detach",
        obj=attachment.article,
        before={"name": attachment.name, "size": attachment.size},
    )
    stored = attachment.file.name
    attachment.delete()
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
