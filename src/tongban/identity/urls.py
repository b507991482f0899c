from django.urls import path

from tongban.identity import views, views_calendar

app_name = "identity"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register, name="register"),
    path("account/", views.account, name="account"),
    path("account/realname/", views.realname, name="realname"),
    path("account/delegations/", views.delegations, name="delegations"),
    path("account/delegations/<uuid:delegation_id>/revoke", views.delegation_revoke, name="delegation_revoke"),
    path("account/enterprises/", views.enterprises, name="enterprises"),
    path("account/enterprises/<uuid:enterprise_id>/", views.enterprise, name="enterprise"),
    path("account/logins/", views.login_history, name="login_history"),
    path("account/messages/", views.messages_view, name="messages"),
    path("account/messages/<uuid:message_id>/read", views.message_read, name="message_read"),
    path("account/persons/<uuid:person_id>/", views.person_detail, name="person"),
    path("backoffice/", views.backoffice, name="backoffice"),
    path("backoffice/audit/", views.audit_log, name="audit"),
    path("backoffice/calendar/", views_calendar.calendar_page, name="calendar"),
    path("backoffice/calendar/overrides/", views_calendar.calendar_set, name="calendar_set"),
    path("backoffice/calendar/import/", views_calendar.calendar_upload, name="calendar_import"),
    path("backoffice/calendar/overrides/<str:day>/delete/", views_calendar.calendar_delete, name="calendar_delete"),
    path("demo/outbox/", views.demo_outbox, name="demo_outbox"),
]
