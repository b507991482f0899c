from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = "办件 Cases"

    def ready(self) -> None:
        from tongban.cases import receivers  # noqa: F401  # a submitted form opens a case
