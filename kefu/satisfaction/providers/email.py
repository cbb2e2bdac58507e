"""Messages to customers by e-mail: a survey or a reminder goes through Django's e-mail
backend (`KEFU_EMAIL_BACKEND`, `KEFU_FROM_EMAIL`), with a plain-text body and an HTML one,
and the same outcomes as an SMS gateway: the Message-ID as the reference, or a temporary
or permanent failure with the reason staff read."""

from __future__ import annotations

import logging
import re
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.sms import PermanentFailure, TemporaryFailure
from kefu.satisfaction.models import Message, Purpose

logger = logging.getLogger("kefu.email")

SUBJECTS = {
    Purpose.SURVEY: gettext_lazy("Please tell us how we did"),
    Purpose.REMINDER: gettext_lazy("A reminder"),
    Purpose.NOTICE: gettext_lazy("A notice"),
    Purpose.CARE: gettext_lazy("Thank you"),
    Purpose.SERVICE: gettext_lazy("A service message"),
}


# A link in a Chinese sentence ends at the first space or full-width punctuation mark.
LINK = re.compile(r"https?://[^\s<>\"'，。；！？、）】]+")


def linked(text: str) -> SafeString:
    """The text as HTML: escaped, its lines kept, its links made clickable (Django's
    urlize wants a space before a link, which Chinese text does not put)."""
    parts, last = [], 0
    for match in LINK.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html('<a href="{0}">{0}</a>', match.group()))
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 (escaped above)


def email_send(*, address: str, subject: str, text: str, html: str, key: str = "") -> str:
    """Send one e-mail with both bodies; return its Message-ID (the reference)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message_id = make_msgid(domain=domain)
    headers = {"Message-ID": message_id}
    if key:
        headers["X-Kefu-Key"] = key[:200]
    mail = EmailMultiAlternatives(subject=subject, body=text, to=[address], headers=headers)
    mail.attach_alternative(html, "text/html")
    try:
        mail.send()
    except smtplib.SMTPRecipientsRefused as error:
        logger.warning("E-mail to %s refused: %s", address, error)
        raise PermanentFailure(_("The mail server refused the address."), code="rcpt") from error
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("E-mail to %s not sent: %s", address, error)
        raise TemporaryFailure(
            _("The mail server could not be reached; tried again later."), code="smtp"
        ) from error
    return message_id


def message_email(message: Message, *, key: str = "") -> str:
    """Send one outbox message by e-mail: the subject says why the centre writes, the
    bodies carry the text (links made clickable in the HTML one); `key` (the message's
    own by default) travels in a header."""
    centre = message.centre.name
    subject = _("%(centre)s: %(subject)s") % {
        "centre": centre,
        "subject": SUBJECTS.get(Purpose(message.purpose), SUBJECTS[Purpose.SERVICE]),
    }
    context = {
        "text": message.text,
        "html_text": linked(message.text),
        "centre": centre,
        "subject": subject,
    }
    return email_send(
        address=message.address,
        subject=subject,
        text=render_to_string("satisfaction/email/message.txt", context),
        html=render_to_string("satisfaction/email/message.html", context),
        key=key or message.key,
    )
