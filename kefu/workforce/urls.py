from django.urls import path

from kefu.workforce import views
from kefu.workforce.views import duty

urlpatterns = [
    path("workforce/", views.workforce_page, name="workforce"),
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
