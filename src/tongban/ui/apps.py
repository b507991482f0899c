from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "tongban.ui"
    label = "ui"
    verbose_name = "界面 UI"
