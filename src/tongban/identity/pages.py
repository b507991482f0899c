"""What every 我的 (account) page needs, for the apps that add pages to it: the nav's section, the person or
staff behind the login, unread messages, and breadcrumbs 首页 › 我的 › … › title."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.identity import selectors


def account_context(
    request: HttpRequest, *, section: str, title: str, trail: Sequence[tuple[str, str]] = (), **extra: Any
) -> dict[str, Any]:
    user = request.user
    crumbs = [
        {"label": _("首页"), "url": reverse("catalog:home")},
        {"label": _("我的"), "url": reverse("identity:account")},
    ]
    crumbs += [{"label": label, "url": url} for label, url in trail]
    crumbs.append({"label": title, "url": ""})
    return {
        "section": section,
        "person": selectors.person_for_user(user=user),  # type: ignore[arg-type]
        "staff": selectors.staff_for_user(user=user),  # type: ignore[arg-type]
        "unread": selectors.message_unread_count(user=user),  # type: ignore[arg-type]
        "breadcrumbs": crumbs,
        **extra,
    }
