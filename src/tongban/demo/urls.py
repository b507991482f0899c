from django.urls import path

from tongban.demo import rp

app_name = "demo"

urlpatterns = [
    path("rp/", rp.home, name="rp_home"),
    path("rp/login", rp.login, name="rp_login"),
    path("rp/callback", rp.callback, name="rp_callback"),
    path("rp/logout", rp.logout, name="rp_logout"),
]
