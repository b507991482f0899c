from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tongban.registry"
    label = "registry"
    verbose_name = "一人一档 · 一企一档 Registry"
