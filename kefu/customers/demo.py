"""The demo centre's customer extras: a caller on the watch list and a customer whose
archive keeps their application and contract. Dates are relative to the load."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.customers.forms import NUISANCE_INSTRUCTION
from kefu.customers.models import Customer, CustomerDocument, WatchEntry
from kefu.customers.services import customer_document_add, watch_entry_add

APPLICATION = """低压居民新装（增容）用电申请表

申请人：{name}
用电地址：{address}
申请容量：8 千瓦（原 4 千瓦）
申请事由：家中新增电采暖设备，需增容。
附：身份证复印件、房产证明复印件

申请人签字：{name}
"""


def _contract_pdf(number: str) -> bytes:
    """A one-page PDF that any viewer opens (ASCII text: the standard fonts hold no Chinese)."""
    text = f"Residential power supply contract No. {number}"
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{index} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def load_customer_extras(centre: OrgUnit, staff: dict[str, User]) -> None:
    """Once per fresh demo centre: one customer's documents, one watch-listed caller."""
    if WatchEntry.objects.filter(centre=centre).exists():
        return
    customers = Customer.objects.filter(centre=centre, anonymised_at__isnull=True).order_by("pk")
    with_documents = customers.filter(phones__isnull=False).first()
    if with_documents is not None and not CustomerDocument.objects.exists():
        text = APPLICATION.format(name=with_documents.name, address=with_documents.address or "—")
        customer_document_add(
            actor=staff["agent"],
            customer=with_documents,
            upload=SimpleUploadedFile("低压居民增容申请表.txt", text.encode()),
            kind=CustomerDocument.Kind.APPLICATION,
        )
        number = with_documents.account_number or str(with_documents.pk)
        customer_document_add(
            actor=staff["backoffice"],
            customer=with_documents,
            upload=SimpleUploadedFile(f"供用电合同-{number}.pdf", _contract_pdf(number)),
            kind=CustomerDocument.Kind.CONTRACT,
        )
    watched = customers.filter(phones__isnull=False)
    if with_documents is not None:
        watched = watched.exclude(pk=with_documents.pk)
    caller = watched.first()
    if caller is not None:
        watch_entry_add(
            actor=staff["leader"],
            number=caller.phones.all()[0].number,
            reason="近一周五次来电辱骂坐席，与诉求无关",
            instruction=str(NUISANCE_INSTRUCTION),
            expires_at=timezone.now() + timedelta(days=30),
        )
