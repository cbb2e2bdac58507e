"""The cloud SMS providers kefu sends through (`KEFU_SMS_GATEWAY`), the endpoints they push
receipts and replies to, and the e-mail sender. One module per provider; `base` holds
what they share."""

from __future__ import annotations

from kefu.satisfaction.providers.base import Provider


def provider_class(name: str) -> type[Provider] | None:
    """The provider of that name ("aliyun", "tencent"), imported only when asked for."""
    if name == "aliyun":
        from kefu.satisfaction.providers.aliyun import AliyunSms

        return AliyunSms
    if name == "tencent":
        from kefu.satisfaction.providers.tencent import TencentSms

        return TencentSms
    return None
