"""Issue 15, points 21 and 23 in Chromium on the demo centre: every role's pages speak
Chinese, with no English left and no internal code (`email`, `service_attitude`) where a
label belongs; error pages are in the layout with the way back; the bell's page groups
and filters."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.contacts.models import Contact
from kefu.core.models import Notification, User
from kefu.demo import PASSWORD, demo_load
from kefu.knowledge.queries import articles_visible_to
from kefu.tickets.models import Ticket
from kefu.tickets.services import ActionInput, ticket_act, ticket_create

pytestmark = pytest.mark.django_db(transaction=True)

# Latin words that are Chinese usage too: product and format names, keys, abbreviations.
ALLOWED = {
    "ACD", "API", "App", "APP", "Alt", "Ctrl", "Enter", "Esc", "Excel", "GIF", "ID", "IVR",
    "JPEG", "JSON", "Markdown", "ONU", "PDF", "PNG", "PowerPoint", "SLA", "SMS", "VIP",
    "WiFi", "Word", "CTI", "LED", "Asterisk", "LOS", "PON", "IPTV", "APN", "VoLTE", "SIM",
    "PUK", "PIN", "USB", "DNS", "MAC", "IP", "URL", "QQ", "WLAN", "Mbps", "GB", "MB",
    "AB",  # AB岗, the backup post (002 第10篇)
}  # fmt: skip
# A word, or a code (`service_attitude`); not the letters of a number (GD2026…, 5G).
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z_]*[A-Za-z](?![A-Za-z0-9_])")

PAGES = {
    "agent": ["/workbench/", "/tickets/", "/contacts/", "/customers/", "/notifications/"],
    "editor": ["/knowledge/", "/knowledge/review/", "/knowledge/new/"],
    "backoffice": [
        "/backoffice/?queue=review",
        "/backoffice/?queue=reply",
        "/backoffice/?queue=callback",
        "/notifications/",
    ],
    "handler": ["/department/", "/notifications/"],
    # The reports' scope picker is point 22's (the figures' part); the wallboard is 11's.
    "leader": ["/dashboard/", "/tickets/?overdue=true"],
    "manager": ["/dashboard/", "/contacts/", "/customers/?tier=vip"],
    "qa": ["/tickets/", "/contacts/"],
}


def leftovers(tab: BrowserPage) -> set[str]:
    """English words and codes a user reads on the page: its text, the options of its
    lists, its placeholders and hints."""
    shown = tab.page.evaluate(
        """() => [document.body.innerText,
                  ...[...document.querySelectorAll('option')].map(o => o.textContent),
                  ...[...document.querySelectorAll('[placeholder]')].map(e => e.placeholder),
                  ...[...document.querySelectorAll('[title]')].map(e => e.title)].join('\\n')"""
    )
    names = set(User.objects.values_list("username", flat=True))
    return {w for w in WORD.findall(shown) if w not in ALLOWED and w not in names}


def _verified_order(customer_id: int | None) -> Ticket:
    """An order through the loop up to the reply, which the back office gives next."""
    assert customer_id is not None
    people = {user.username: user for user in User.objects.all()}
    order = ticket_create(
        actor=people["agent"], customer_id=customer_id, kind="fault", title="单户停电"
    )
    steps = [
        ("backoffice", "dispatch", ActionInput(department="repair")),
        ("handler", "take", None),
        ("handler", "return", ActionInput(result="已恢复供电。")),
        ("backoffice", "verify", None),
    ]
    for who, action, fields in steps:
        order = ticket_act(
            actor=people[who],
            number=order.number,
            action=action,
            version=order.version,
            fields=fields,
        )
    return order


def test_every_roles_pages_are_chinese_without_codes(
    browser_page: Callable[..., BrowserPage],
) -> None:
    demo_load(customers=40, contacts=120, tickets=80, days=10)
    contact = Contact.objects.filter(customer__isnull=False).first()
    assert contact is not None
    verified = _verified_order(contact.customer_id)
    replied = Ticket.objects.filter(events__action="reply").first()
    backoffice = list(PAGES["backoffice"])
    backoffice += [f"/tickets/{o.number}/" for o in (verified, replied) if o is not None]
    agent = [*PAGES["agent"], f"/contacts/{contact.pk}/", f"/customers/{contact.customer_id}/"]
    article = articles_visible_to(User.objects.get(username="agent")).first()
    if article is not None:
        agent.append(f"/knowledge/{article.pk}/")
    pages = {**PAGES, "agent": agent, "backoffice": backoffice}

    found: dict[str, set[str]] = {}
    for role, paths in pages.items():
        tab = browser_page()
        tab.sign_in(role, PASSWORD)
        for path in paths:
            tab.goto(path)
            tab.page.wait_for_load_state("networkidle")
            words = leftovers(tab)
            if words:
                found[f"{role} {path}"] = words
        if role == "backoffice":
            tab.goto(f"/tickets/{verified.number}/")
            options = tab.page.locator("select[name=channel] option").all_inner_texts()
            assert "电话" in options and "电子邮件" in options and "email" not in options
            tab.screenshot("backoffice-reply-channels")
    assert found == {}, found


def test_error_pages_in_the_layout_and_the_bell_grouped(
    browser_page: Callable[..., BrowserPage], users: dict[str, User]
) -> None:
    tab = browser_page()
    tab.sign_in("agent", "test-pass-2026")
    response = tab.page.goto(tab.base_url + "/no-such-page/")
    assert response is not None and response.status == 404
    assert tab.page.locator("h1").inner_text() == "页面不存在"
    assert tab.page.locator(".topbar .nav").is_visible()  # the product's layout
    tab.screenshot("agent-404")
    tab.page.click("text=返回我的首页")
    tab.page.wait_for_url("**/workbench/")
    response = tab.page.goto(tab.base_url + "/reports/")
    assert response is not None and response.status == 403
    assert "权限" in tab.page.locator("h1").inner_text()
    assert not (leftovers(tab) - {"test", "centre"})
    tab.screenshot("agent-403")
    tab.errors.clear()  # the browser logs the 404 and 403 it was given

    person = users["backoffice"]
    for n in range(3):
        Notification.objects.create(
            recipient=person,
            kind="ticket.overdue",
            title=f"GD2026120100000{n} 已超时（整单）: 抢修未到",
            link=f"/tickets/GD2026120100000{n}/",
            key=f"o{n}",
        )
        Notification.objects.create(
            recipient=person,
            kind="ticket.warning",
            title=f"GD2026120100000{n} 预警（整单）: 抢修未到",
            link=f"/tickets/GD2026120100000{n}/",
            key=f"w{n}",
        )
    Notification.objects.bulk_create(
        Notification(recipient=person, kind="ticket.assigned", title=f"新工单 {n}", key=f"a{n}")
        for n in range(120)
    )
    bell = browser_page()
    bell.sign_in("backoffice", "test-pass-2026")
    bell.goto("/notifications/?kind=ticket.overdue")
    bell.page.wait_for_selector(".topbar .bell .count:not(:empty)")
    badge = bell.page.locator(".topbar .bell .count")
    assert badge.inner_text() == "99+"
    assert float(badge.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 14
    rows = bell.page.locator("table.notifications tbody tr")
    assert rows.count() == 3
    assert "时限超时" in rows.first.inner_text()
    bell.screenshot("backoffice-notifications")
    bell.page.click("button:text('将这些标为已读')")
    bell.page.wait_for_load_state("networkidle")
    assert Notification.objects.filter(kind="ticket.overdue", read_at__isnull=True).count() == 0
    assert Notification.objects.filter(kind="ticket.warning", read_at__isnull=True).count() == 3
