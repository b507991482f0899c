from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "tongban.feedback"
    label = "feedback"
    verbose_name = "好差评 Ratings"
