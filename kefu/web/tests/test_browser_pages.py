"""Every page, as each role sees it, on the demo centre in Chromium: no server error, no
console error, no Content-Security-Policy violation, usable at 1366×768 (the wallboard at
1920×1080). Screenshots are kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.core.models import User
from kefu.customers.models import Customer, CustomerPhone
from kefu.demo import PASSWORD, demo_load
from kefu.knowledge.queries import articles_visible_to
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "agent": [
        "/workbench/",
        "/tickets/",
        "/contacts/",
        "/customers/",
        "/notifications/",
        "/knowledge/",
        "/knowledge/?q=交了钱还是没电",
    ],
    "editor": [
        "/knowledge/",
        "/knowledge/?state=in_review",
        "/knowledge/review/",
        "/knowledge/new/",
        "/knowledge/synonyms/",
        "/knowledge/import/",
    ],
    "expert": ["/workbench/", "/tickets/?department=expert-seat", "/department/"],
    "backoffice": [
        "/backoffice/?queue=review",
        "/backoffice/?queue=verify",
        "/backoffice/?queue=reply",
        "/backoffice/?queue=callback",
        "/tickets/?overdue=true",
    ],
    "handler": ["/department/"],
    "leader": ["/dashboard/", "/tickets/?warning=true", "/reports/?scope=team&name=team-1"],
    "manager": [
        "/dashboard/",
        "/customers/?tier=vip",
        "/contacts/?channel=hotline",
        "/reports/",
        "/reports/?kind=monthly",
        "/reports/targets/",
    ],
    "qa": ["/tickets/", "/contacts/"],
    "admin": [
        "/admin/",
        "/api/v1/docs",
        "/admin/tickets/timelimitpolicy/",
        "/admin/tickets/dispatchrule/",
        "/admin/tickets/standardphrase/",
        "/admin/core/workcalendar/",
        "/admin/core/orgunit/",
        "/admin/core/user/",
        "/admin/contacts/callreason/",
        "/admin/knowledge/knowledgecategory/",
    ],
}


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-").replace("&", "-")


def test_every_page_renders_for_every_role_on_the_demo_centre(
    browser_page: Callable[..., BrowserPage],
) -> None:
    demo_load(customers=60, contacts=240, tickets=120, days=30)
    orders = Ticket.objects.filter(customer__anonymised_at__isnull=True)
    ticket = orders.filter(state="returned").first() or orders.first()
    assert ticket is not None
    caller = CustomerPhone.objects.filter(customer=ticket.customer).values_list(
        "number", flat=True
    )[0]
    PAGES["agent"].append(f"/workbench/?caller={caller}")
    PAGES["backoffice"].append(f"/tickets/{ticket.number}/")
    edited = articles_visible_to(User.objects.get(username="agent")).first()
    assert edited is not None
    PAGES["agent"].append(f"/knowledge/{edited.pk}/")
    PAGES["editor"] += [f"/knowledge/{edited.pk}/", f"/knowledge/{edited.pk}/edit/"]
    forgotten = Customer.objects.get(anonymised_at__isnull=False)
    PAGES["agent"].append(f"/customers/{ticket.customer_id}/")
    PAGES["manager"] += [
        f"/customers/{ticket.customer_id}/",
        f"/customers/{ticket.customer_id}/anonymise/",
        f"/customers/{forgotten.pk}/",
    ]

    anonymous = browser_page()
    for path, status in (("/login/", 200), ("/no-such-page/", 404)):
        response = anonymous.goto(path)
        assert response.status == status, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        anonymous.screenshot(f"anonymous-{slug(path)}")
    # The not-found page and the icon the browser then asks for are the only errors wanted.
    assert all("404" in error for error in anonymous.errors), anonymous.errors
    anonymous.errors.clear()

    for role, paths in PAGES.items():
        tab = browser_page()
        tab.sign_in(role, PASSWORD)
        for path in paths:
            response = tab.goto(path)
            assert "script-src 'self'" in response.headers["content-security-policy"], path
            tab.page.wait_for_load_state("networkidle")
            assert tab.page.locator("main, #board, #content, #swagger-ui .info").count() >= 1, path
            tab.screenshot(f"{role}-{slug(path) or 'home'}")

    wall = browser_page(width=1920, height=1080)
    wall.sign_in("manager", PASSWORD)
    wall.goto("/wallboard/")
    wall.page.wait_for_load_state("networkidle")
    wall.screenshot("manager-wallboard-1920")
