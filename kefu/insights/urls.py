from django.urls import URLPattern, path

from kefu.insights.views import repeats

urlpatterns: list[URLPattern] = [
    path("insights/repeats/", repeats.repeats_page, name="insights_repeats"),
    path("insights/risk/", repeats.risk_page, name="insights_risk"),
    path("insights/risk/sweep/", repeats.risk_sweep_view, name="insights_risk_sweep"),
]
