"""The endpoints the SMS providers push to: delivery receipts and customers' replies, at
`/sms/<provider>/receipts/<token>/` and `/sms/<provider>/replies/<token>/`.

Neither Alibaba nor Tencent signs its pushes, so the URL carries a shared secret
(`KEFU_SMS_CALLBACK_TOKEN`); without one set, the endpoints do not exist. A push may come
again (the providers repeat what was not answered with success): each receipt and reply
counts once. A receipt for a message kefu has not yet stored the reference of is answered
"try again", and the provider pushes it again minutes later."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kefu.satisfaction.providers import provider_class
from kefu.satisfaction.providers.base import Provider, PushInvalid, key_reference
from kefu.satisfaction.services.receipts import receipt_record, sms_reply_receive

logger = logging.getLogger("kefu.sms")

PUSH_MAX_BYTES = 2 * 2**20


def _checked(provider: str, token: str) -> type[Provider]:
    expected = settings.KEFU_SMS_CALLBACK_TOKEN
    cls = provider_class(provider)
    if not expected or cls is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    return cls


def _body(request: HttpRequest) -> bytes | None:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return None
    if length > PUSH_MAX_BYTES:
        return None
    return request.body


@csrf_exempt
@require_POST
def receipts_push(request: HttpRequest, provider: str, token: str) -> HttpResponse:
    cls = _checked(provider, token)
    body = _body(request)
    try:
        receipts = cls.parse_receipts(body) if body is not None else None
    except PushInvalid as error:
        logger.warning("SMS receipts from %s not understood: %s", provider, error)
        receipts = None
    if receipts is None:
        status, answer = cls.answer(False)
        return JsonResponse(answer, status=400, json_dumps_params={"ensure_ascii": False})
    unknown = 0
    try:
        for receipt in receipts:
            references = [receipt.reference]
            if receipt.key:  # a message whose send answer was lost is known by its key
                references.append(key_reference(receipt.key))
            message = None
            for reference in references:
                message = message or receipt_record(
                    provider=cls.name,
                    reference=reference,
                    delivered=receipt.delivered,
                    error=receipt.error,
                    at=receipt.at,
                )
            unknown += message is None
    except DatabaseError:
        logger.exception("SMS receipts from %s not recorded", provider)
        unknown += 1
    if unknown:
        logger.info("SMS receipts from %s: %d for no stored message yet", provider, unknown)
    status, answer = cls.answer(not unknown)
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def replies_push(request: HttpRequest, provider: str, token: str) -> HttpResponse:
    cls = _checked(provider, token)
    body = _body(request)
    try:
        replies = cls.parse_replies(body) if body is not None else None
    except PushInvalid as error:
        logger.warning("SMS replies from %s not understood: %s", provider, error)
        replies = None
    if replies is None:
        status, answer = cls.answer(False)
        return JsonResponse(answer, status=400, json_dumps_params={"ensure_ascii": False})
    ok = True
    try:
        for reply in replies:
            sms_reply_receive(
                provider=cls.name,
                number=reply.number,
                text=reply.text,
                reference=reply.reference,
                received_at=reply.at,
            )
    except DatabaseError:  # e.g. the same reply recorded at this moment by another push
        logger.exception("SMS replies from %s not recorded", provider)
        ok = False
    status, answer = cls.answer(ok)
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})
