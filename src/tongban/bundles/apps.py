from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "tongban.bundles"
    label = "bundles"
    verbose_name = "一件事一次办 Bundles"

    def ready(self) -> None:
        from tongban.bundles import receivers  # noqa: F401  # a decided case releases the items waiting for it
