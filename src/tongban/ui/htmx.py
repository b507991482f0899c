"""What the forms' htmx re-renders share (hx-preserve forms: an answer that shows or hides other fields)."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest


def refresh_changed_answer(request: HttpRequest, posted: Mapping[str, str]) -> dict[str, str]:
    """Of everything a re-render posted, only the answer that triggered it, to be saved alone: the request can
    arrive after a later save of the whole form (a slow line, a busy server), and what was typed since it was
    sent must not be overwritten by the older values it carries. Empty when no posted field triggered it."""
    changed = request.htmx.trigger_name or ""  # type: ignore[attr-defined]
    return {changed: posted[changed]} if changed in posted else {}
