"""Issue 5: a submission whose database connection is cut mid-transaction (the backend terminated with
pg_terminate_backend) writes nothing, keeps the draft's answers, and the retry opens exactly one case."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DatabaseError, InterfaceError
from django.test import Client
from django.urls import reverse

from tongban.cases.models import Case
from tongban.core.tests.pgkill import terminate_this_backend
from tongban.forms import services, signals
from tongban.forms.models import Draft, Submission

pytestmark = pytest.mark.django_db(transaction=True)  # the connection dies: no test transaction to hold

GOOD = {"filing_type": "1", "residence_address": "深圳市南山区科技园1号", "start_date": "2026-12-05",
        "phone": "13812345678"}  # fmt: skip


@pytest.fixture
def cut_once() -> Iterator[list[int]]:
    """A receiver of forms.signals.submitted, run after cases has opened the case in the same transaction,
    that cuts the connection the first time; the list counts the cuts."""
    cuts: list[int] = []

    def cut(sender: Any, submission: Submission, **kwargs: Any) -> None:
        if cuts:
            return
        assert Case.objects.filter(submission=submission).exists()  # written, not yet committed
        cuts.append(1)
        terminate_this_backend()

    signals.submitted.connect(cut, dispatch_uid="test.cut_connection")
    try:
        yield cuts
    finally:
        signals.submitted.disconnect(dispatch_uid="test.cut_connection")


def _complete_draft(city) -> Draft:  # type: ignore[no-untyped-def]
    draft = services.draft_start(user=city.user, implementation=city.implementation)
    services.draft_save(user=city.user, draft_id=draft.pk, answers=GOOD, page="filing")
    services.draft_save(user=city.user, draft_id=draft.pk, answers={"household_number": "H00012"}, page="applicant")
    return draft


def _submit(city, draft: Draft) -> Submission:  # type: ignore[no-untyped-def]
    return services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)


def test_a_cut_connection_writes_nothing_keeps_the_answers_and_the_retry_opens_one_case(city, cut_once):
    draft = _complete_draft(city)
    with pytest.raises((DatabaseError, InterfaceError)):
        _submit(city, draft)
    assert cut_once == [1]
    # The connection was dropped with the failed transaction: these queries run on a new one.
    assert not Submission.objects.filter(draft=draft).exists()
    assert not Case.objects.exists()
    kept = Draft.objects.get(pk=draft.pk).answers
    assert kept["household_number"] == "H00012" and kept["phone"] == GOOD["phone"]

    submission = _submit(city, draft)

    assert Submission.objects.filter(draft=draft).get() == submission
    assert Case.objects.filter(submission=submission).count() == 1 and Case.objects.count() == 1
    assert submission.answers["household_number"] == "H00012"


def test_the_check_page_answers_503_with_retry_after_and_the_resent_form_submits_once(city, cut_once):
    draft = _complete_draft(city)
    client = Client(raise_request_exception=False)  # as a browser sees it: the error page, not the traceback
    client.force_login(city.user)
    url = reverse("forms:check", args=[draft.pk])

    response = client.post(url, {"declaration": "on"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "系统暂时无法处理请求" in html and "briefly unavailable" in html
    assert not Submission.objects.exists() and not Case.objects.exists()
    assert Draft.objects.get(pk=draft.pk).answers["household_number"] == "H00012"

    again = client.post(url, {"declaration": "on"})

    submission = Submission.objects.get(draft=draft)
    assert again.status_code == 302 and again["Location"] == reverse("forms:submission", args=[submission.number])
    assert Case.objects.filter(submission=submission).count() == 1
