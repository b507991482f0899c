from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "tongban.forms"
    label = "forms"
    verbose_name = "申请表单与预填"
