import pytest

from tongban.core.models import CalendarDay, IdempotencyKey

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tongban.core.tests.urls_idempotency")]


def _post(client, body=b'{"a":1}', key="k-1", path="/api/v1/days"):
    return client.post(path, data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_replays_the_first_answer_and_creates_nothing_twice(client):
    first = _post(client)
    second = _post(client)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert CalendarDay.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused(client):
    _post(client)
    response = _post(client, body=b'{"a":2}')
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert CalendarDay.objects.count() == 1


def test_a_request_still_running_answers_409(client):
    IdempotencyKey.objects.create(
        key="k-1",
        actor="anon:127.0.0.1",
        method="POST",
        path="/api/v1/days",
        request_hash=__import__("hashlib").sha256(b'{"a":1}').hexdigest(),
    )
    response = _post(client)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"


def test_without_a_key_every_post_runs(client):
    client.post("/api/v1/days", data=b"{}", content_type="application/json")
    client.post("/api/v1/days", data=b"{}", content_type="application/json")
    assert CalendarDay.objects.count() == 2


def test_server_faults_are_not_replayed(client):
    assert _post(client, path="/api/v1/explode").status_code == 503
    assert not IdempotencyKey.objects.exists()
