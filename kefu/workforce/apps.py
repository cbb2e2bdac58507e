from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    """Workforce management (DESIGN.md): forecast, staffing by Erlang C and A, the rota,
    swaps and leave, handover and adherence."""

    name = "kefu.workforce"
    label = "workforce"
    verbose_name = _("Workforce management")
