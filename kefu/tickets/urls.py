from django.urls import path

from kefu.tickets import views

urlpatterns = [
    path("tickets/", views.ticket_list_page, name="ticket_list"),
    path("tickets/export.xlsx", views.ticket_export, name="ticket_export"),
    path(
        "tickets/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="ticket_attachment",
    ),
    path("tickets/leaders/", views.leaders_page, name="leaders"),
    path("tickets/<str:number>/", views.ticket_page, name="ticket_page"),
    path("tickets/<str:number>/<str:action>/", views.ticket_act_page, name="ticket_act"),
    path("backoffice/", views.backoffice_page, name="backoffice"),
    path("backoffice/dispatch", views.backoffice_dispatch, name="backoffice_dispatch"),
    path("department/", views.department_page, name="department"),
    path("department/away", views.department_away, name="department_away"),
]
