from django.urls import path

from tongban.demo import foreign, rp

app_name = "demo"

urlpatterns = [
    path("rp/", rp.home, name="rp_home"),
    path("rp/login", rp.login, name="rp_login"),
    path("rp/callback", rp.callback, name="rp_callback"),
    path("rp/logout", rp.logout, name="rp_logout"),
    path("foreign-licences/", foreign.foreign_licences, name="foreign_licences"),
]
