from django.contrib import admin
from django.urls import include, path

from kefu.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kefu.contacts.urls")),
    path("", include("kefu.customers.urls")),
    path("", include("kefu.tickets.urls")),
    path("", include("kefu.knowledge.urls")),
    path("", include("kefu.metrics.urls")),
    path("", include("kefu.web.urls")),
]
