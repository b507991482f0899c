"""URLs of the applicant pages of cases."""

urlpatterns: list = []
