"""URLs of the backoffice pages of cases."""

urlpatterns: list = []
