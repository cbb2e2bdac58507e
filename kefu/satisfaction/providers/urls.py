from django.urls import path

from kefu.satisfaction.providers import callbacks

urlpatterns = [
    path(
        "sms/<slug:provider>/receipts/<str:token>/",
        callbacks.receipts_push,
        name="sms-receipts-push",
    ),
    path(
        "sms/<slug:provider>/replies/<str:token>/",
        callbacks.replies_push,
        name="sms-replies-push",
    ),
]
