import re

from tongban.identity.models import OutboxMessage


def last_code(user=None) -> str:
    qs = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS)
    if user is not None:
        qs = qs.filter(user=user)
    body = qs.order_by("-created_at").first().body
    return re.search(r"验证码为 (\d{6})", body).group(1)


def log_in(client, identifier, password):  # type: ignore[no-untyped-def]
    """Log in through the pages: password, then the code from the outbox."""
    response = client.post("/login/", {"identifier": identifier, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post("/login/code/", {"code": last_code()})
    assert response.status_code == 302
    return response
