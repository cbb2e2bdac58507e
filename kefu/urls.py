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
    path("", include("kefu.workforce.urls")),
    path("", include("kefu.quality.urls")),
    path("", include("kefu.satisfaction.urls")),
    path("", include("kefu.satisfaction.providers.urls")),
    path("", include("kefu.insights.urls")),
    path("", include("kefu.supervision.urls")),
    path("", include("kefu.web.urls")),
]

# Failed requests get a page in the product's layout and language, or the API's error shape.
handler400 = "kefu.web.errors.bad_request"
handler403 = "kefu.web.errors.permission_denied"
handler404 = "kefu.web.errors.page_not_found"
handler500 = "kefu.web.errors.server_error"
