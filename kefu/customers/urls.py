from django.urls import path

from kefu.customers import views

urlpatterns = [
    path("customers/", views.customer_list_page, name="customer_list"),
    path("customers/export.xlsx", views.customer_export, name="customer_export"),
]
