from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "tongban.identity"
    label = "identity"
    verbose_name = "身份 Identity"

    def ready(self) -> None:
        from tongban.identity import plugins  # noqa: F401  (registers the plugin implementations)
