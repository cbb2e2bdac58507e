from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """Quality of every contact (DESIGN.md, issue 18): so far the automatic transcript checks
    against the standard phrases (`kefu.quality.checks`, pure) and `kefu qa check`."""

    name = "kefu.quality"
    label = "quality"
    verbose_name = _("Quality inspection")
