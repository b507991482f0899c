from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "tongban.licenses"
    label = "licenses"
    verbose_name = "电子证照 E-licences"

    def ready(self) -> None:
        from tongban.licenses import seal  # noqa: F401  (registers the seal plugins)
