from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Supervision (DESIGN.md, issue 20): inspection rounds against checklists kept per
    centre, their findings corrected on the spot and rectified to a re-check, the daily
    round quota and who missed it, spot checks of records and questions put to staff."""

    name = "kefu.supervision"
    label = "supervision"
    verbose_name = _("Supervision")
