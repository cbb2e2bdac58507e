from django.urls import path

from kefu.customers import views

urlpatterns = [
    path("customers/", views.customer_list_page, name="customer_list"),
    path("customers/watch-list/", views.watch_list_page, name="watch_list"),
    path("customers/export.xlsx", views.customer_export, name="customer_export"),
    path("customers/<int:customer_id>/", views.customer_page, name="customer_page"),
    path("customers/<int:customer_id>/edit", views.customer_edit, name="customer_edit"),
    path(
        "customers/<int:customer_id>/documents",
        views.customer_document_upload,
        name="customer_document_upload",
    ),
    path(
        "customers/documents/<int:document_id>",
        views.customer_document_open,
        name="customer_document",
    ),
    path(
        "customers/documents/<int:document_id>/remove",
        views.customer_document_delete,
        name="customer_document_remove",
    ),
    path(
        "customers/<int:customer_id>/personal-data.<str:fmt>",
        views.personal_data_download,
        name="customer_personal_data",
    ),
    path(
        "customers/<int:customer_id>/anonymise/",
        views.customer_anonymise_page,
        name="customer_anonymise_page",
    ),
    path(
        "customers/<int:customer_id>/anonymise/confirm",
        views.customer_anonymise,
        name="customer_anonymise",
    ),
]
