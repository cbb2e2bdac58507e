"""Photos and files on an order's step: the site after a repair, a signed form, sent with
the department's return (issue 15, point 19). Checked by content like the knowledge base's
attachments (`kefu.core.filetypes`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.core import filetypes
from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.services import audit_record
from kefu.tickets.models import Ticket, TicketAttachment
from kefu.tickets.queries import tickets_visible_to
from kefu.tickets.services.actions import ActionInput, ticket_act

# At most this many files go with one step.
FILES_PER_STEP = 10
ATTACHING_ROLES = {"handler", "expert", "backoffice", "admin"}


def _may_attach(actor: User, ticket: Ticket) -> bool:
    if actor.role not in ATTACHING_ROLES:
        return False
    if actor.role in {"handler", "expert"}:
        return ticket.department_id is not None and ticket.department_id == actor.department_id
    return True


@transaction.atomic
def ticket_attach(
    *, actor: User, number: str, uploads: Sequence[UploadedFile]
) -> list[TicketAttachment]:
    """Attach files to the order's latest step; all or none, each file checked."""
    ticket = tickets_visible_to(actor).filter(number=number).order_by().first()
    if ticket is None:
        raise NotFound(code="ticket_not_found")
    if not _may_attach(actor, ticket):
        raise Forbidden()
    if len(uploads) > FILES_PER_STEP:
        raise Invalid(
            _("At most %(count)d files go with one step.") % {"count": FILES_PER_STEP},
            code="too_many_files",
            detail={"field": "files", "max": FILES_PER_STEP},
        )
    limit = settings.KEFU_TICKET_ATTACHMENT_MAX_BYTES
    checked = []
    for upload in uploads:
        name = PurePath(upload.name or "").name[:200]
        checked.append(
            (upload, name, filetypes.upload_check(name, upload.size or 0, upload, max_bytes=limit))
        )
    attached = []
    for upload, name, content_type in checked:
        attachment = TicketAttachment(
            ticket=ticket,
            event_seq=ticket.last_event_seq,
            name=name,
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=actor,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        attached.append(attachment)
        audit_record(
            actor=actor,
            action="ticket.attach",
            obj=ticket,
            after={"name": name, "size": attachment.size},
        )
    return attached


@transaction.atomic
def ticket_act_with_files(
    *,
    actor: User,
    number: str,
    action: str,
    version: int,
    fields: ActionInput,
    uploads: Sequence[UploadedFile],
) -> Ticket:
    """An action and the files that go with it (a return with its photos): both or
    neither."""
    ticket = ticket_act(actor=actor, number=number, action=action, version=version, fields=fields)
    if uploads:
        ticket_attach(actor=actor, number=number, uploads=uploads)
    return ticket
