from django.urls import path

from kefu.workforce import views

urlpatterns = [
    path("workforce/", views.workforce_page, name="workforce"),
]
