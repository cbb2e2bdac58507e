from django.urls import path

from kefu.workforce import views
from kefu.workforce.views import requests as request_views

urlpatterns = [
    path("workforce/", views.workforce_page, name="workforce"),
    path("workforce/requests/", request_views.requests_page, name="workforce_requests"),
    path("workforce/my-requests/", request_views.my_requests, name="workforce_my_requests"),
    path(
        "workforce/leave/<int:leave_id>/withdraw/",
        request_views.leave_withdraw,
        name="workforce_leave_withdraw",
    ),
    path(
        "workforce/swaps/<int:swap_id>/withdraw/",
        request_views.swap_withdraw,
        name="workforce_swap_withdraw",
    ),
    path("workforce/offers/", request_views.swap_offers, name="workforce_swap_offers"),
    path(
        "workforce/swaps/<int:swap_id>/answer/",
        request_views.swap_answer,
        name="workforce_swap_answer",
    ),
]
