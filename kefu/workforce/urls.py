from django.urls import path

from kefu.workforce import views
from kefu.workforce.views import attendance, duty, rota
from kefu.workforce.views import requests as request_views

urlpatterns = [
    path("workforce/", views.workforce_page, name="workforce"),
    path("workforce/plan/", rota.plan_page, name="workforce_plan"),
    path("workforce/plan/goal/", rota.plan_goal_view, name="workforce_plan_goal"),
    path("workforce/rota/", rota.rota_page, name="workforce_rota"),
    path("workforce/rota/generate/", rota.rota_generate_view, name="workforce_rota_generate"),
    path(
        "workforce/rota/<int:rota_id>/publish/",
        rota.rota_publish_view,
        name="workforce_rota_publish",
    ),
    path(
        "workforce/rota/<int:rota_id>/shift/",
        rota.shift_edit_view,
        name="workforce_shift_edit",
    ),
    path("workforce/my-rota/", rota.my_rota_page, name="workforce_my_rota"),
    path("workforce/intraday/", attendance.intraday_page, name="workforce_intraday"),
    path("workforce/attendance/", attendance.attendance_page, name="workforce_attendance"),
    path(
        "workforce/attendance/grace/",
        attendance.attendance_grace,
        name="workforce_attendance_grace",
    ),
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
    path("workforce/duty/", duty.duty_log_page, name="duty_log"),
    path("workforce/duty/search/", duty.duty_search_page, name="duty_search"),
    path("workforce/duty/<int:log_id>/", duty.duty_log_detail, name="duty_log_detail"),
    path("workforce/duty/<int:log_id>/entries/", duty.duty_entry_add, name="duty_entry_add"),
    path("workforce/duty/<int:log_id>/handover/", duty.duty_handover_page, name="duty_handover"),
    path(
        "workforce/duty/<int:log_id>/acknowledge/",
        duty.duty_acknowledge_page,
        name="duty_acknowledge",
    ),
]
