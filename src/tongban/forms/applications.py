"""One request, one application: how the API and mobile apps apply (POST /api/v1/applications).

Built only from the services pages use — `draft_start` (pin the form, prefill from the hub), `draft_save`
(keep what was typed, however wrong), `application_submit` (read the hub again, snapshot, open the case) —
so an application that arrives in one request is the same as one typed page by page.

The same request twice is one application, with or without an Idempotency-Key: a double tap, a retry
after a timeout, two requests at once. At once, `draft_start` resumes the one open draft (it locks the
user's row) and `application_submit` returns the submission a twin already made of it. One after the
other, the first draft is no longer open, so a submission of the same item for the same subject by the
same login in the last DUPLICATE_WINDOW whose draft already holds every answer sent is returned instead
of starting again. It is looked for before the draft is started and again after: a twin that submits in
between is found the second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tongban.catalog.models import Implementation
from tongban.core.errors import Conflict, DomainError
from tongban.forms import selectors
from tongban.forms.models import Channel, Draft, Submission
from tongban.forms.services import (
    FormIncomplete,
    Subject,
    answer_kept,
    application_submit,
    declaration_missing,
    draft_save,
    draft_start,
    not_represented,
)
from tongban.forms.state import COLLECTED
from tongban.identity.models import User

DUPLICATE_WINDOW = timedelta(minutes=10)
ATTEMPTS = 3


def _holds(draft: Draft, answers: Mapping[str, Any]) -> bool:
    """Whether the draft already holds every answer sent for a field it asks (the same request again)."""
    view = selectors.draft_view(draft=draft)
    asked = {key for key, state in view.states.items() if state.mode == COLLECTED}
    return all(draft.answers.get(key, "") == answer_kept(value) for key, value in answers.items() if key in asked)


def _repeated(
    *, user: User, implementation: Implementation, subject: Subject | None, answers: Mapping[str, Any]
) -> Submission | None:
    """The submission this request repeats, if any (see the module's docstring)."""
    since = timezone.now() - DUPLICATE_WINDOW
    for submission_id, draft_id in selectors.submissions_recent_for(
        user=user, implementation=implementation, subject=subject, since=since
    ):
        draft = selectors.draft_for_view(user=user, draft_id=draft_id) if draft_id is not None else None
        if draft is not None and _holds(draft, answers):
            return selectors.submission_get(user=user, submission_id=submission_id)
    return None


def application_submit_answers(
    *,
    user: User,
    implementation: Implementation,
    subject: Subject | str | None,
    answers: Mapping[str, Any],
    consent: list[str],
    declaration: bool,
    channel: str = Channel.API,
) -> Submission:
    """Apply in one call: start (or resume) the draft, save every answer, submit.

    `subject`: None for oneself, else the person or enterprise applied for, or their ID number / credit
    code (one nobody may act for and one that does not exist get the same 404). Everything wrong is told
    at once — every field, missing materials and the declaration — as FormIncomplete, and what was typed
    stays in the draft for the pages. Repeating the request returns the same submission."""
    if isinstance(subject, str):
        version = selectors.form_current(implementation=implementation)
        kind = selectors.subject_kind_of(version.schema) if version is not None else "person"
        named = selectors.subject_by_identifier(identifier=subject, kind=kind)
        if named is None:
            raise not_represented(kind)
        subject = named
    for _attempt in range(ATTEMPTS):
        repeated = _repeated(user=user, implementation=implementation, subject=subject, answers=answers)
        if repeated is not None:
            return repeated
        draft = draft_start(user=user, implementation=implementation, subject=subject, channel=channel)
        repeated = _repeated(user=user, implementation=implementation, subject=subject, answers=answers)
        if repeated is not None:
            return repeated  # a twin request submitted while this one started
        try:
            errors: dict[str, DomainError] = draft_save(user=user, draft_id=draft.pk, answers=answers, page=None)
        except Conflict:
            continue  # the draft was submitted meanwhile (by a twin: found above next time round)
        if not declaration:
            errors["declaration"] = declaration_missing()
        if errors:
            raise FormIncomplete(errors)
        return application_submit(user=user, draft_id=draft.pk, consent=consent, declaration=True, channel=channel)
    raise Conflict("提交繁忙，请稍后重试", "Busy; please submit again")
