from django.urls import path

from kefu.contacts import assist, views

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("workbench/record", views.workbench_record, name="workbench_record"),
    path("workbench/customer", views.workbench_new_customer, name="workbench_customer"),
    path(
        "workbench/identity-check",
        views.workbench_identity_check,
        name="workbench_identity_check",
    ),
    path(
        "workbench/customers/<int:customer_id>/address",
        views.workbench_address,
        name="workbench_address",
    ),
    path("contacts/", views.contact_list_page, name="contact_list"),
    path("contacts/export.xlsx", views.contact_export, name="contact_export"),
    path("workbench/assist", assist.assist_state, name="workbench_assist"),
    path("workbench/sms/compose", assist.sms_compose, name="workbench_sms_compose"),
    path("workbench/sms", assist.sms_send, name="workbench_sms_send"),
    path("workbench/help", assist.help_raise, name="workbench_help"),
    path("help/open", assist.help_alerts, name="help_alerts"),
    path("help/<int:help_request_id>/", assist.help_page, name="help_page"),
    path("contacts/<int:contact_id>/", views.contact_page, name="contact_page"),
]
