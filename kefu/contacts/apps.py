from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "kefu.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from kefu.contacts.imports import CallReasons
        from kefu.core.imports import register

        register(CallReasons)
