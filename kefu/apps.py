from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project level (DESIGN.md): what reaches every app, such as the `demo` command
    (kefu/management/commands/demo.py loading kefu/demo.py), lives here rather than in
    `core`, so the ground imports nothing above it."""

    name = "kefu"
    label = "kefu"
    verbose_name = "kefu"
