"""URLs of the window pages of cases."""

urlpatterns: list = []
