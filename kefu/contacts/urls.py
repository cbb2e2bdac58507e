from django.urls import path

from kefu.contacts import views

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("workbench/record", views.workbench_record, name="workbench_record"),
    path("workbench/customer", views.workbench_new_customer, name="workbench_customer"),
    path("contacts/", views.contact_list_page, name="contact_list"),
    path("contacts/export.xlsx", views.contact_export, name="contact_export"),
    path("contacts/<int:contact_id>/", views.contact_page, name="contact_page"),
]
