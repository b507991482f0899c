"""Access rules for pages: logged in (keeping a half-filled form across a session expiry) and staff only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tongban.identity import selectors

RESUME_KEY = "tongban_resume_form"
NOT_KEPT = {"csrfmiddlewaretoken"}

View = Callable[..., HttpResponse]


def login_required_resume(view: View) -> View:
    """Like login_required, but a POST from an expired session keeps what was typed (never passwords).

    After logging in, the person comes back to the same page and finds the form filled in again.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            kept = {
                key: values
                for key, values in request.POST.lists()
                if key not in NOT_KEPT and "password" not in key and len(values) <= 50
            }
            request.session[RESUME_KEY] = {"path": request.path, "data": kept}
            messages.warning(request, _("登录已过期，请重新登录。您填写的内容已保留，登录后请核对并再次提交。"))
        return redirect_to_login(request.path if request.method == "POST" else request.get_full_path())

    return wrapper


def resumed_form_data(request: HttpRequest) -> dict[str, Any] | None:
    """What was typed before the session expired on this page, once; None if nothing was kept."""
    kept = request.session.get(RESUME_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[RESUME_KEY]
    return {key: values[0] if len(values) == 1 else values for key, values in kept["data"].items()}


def staff_required(view: View) -> View:
    """Staff pages: anonymous visitors go to the login page; logged-in non-staff get a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        staff = selectors.staff_for_user(user=request.user)  # type: ignore[arg-type]
        if staff is None:
            raise Http404
        request.staff = staff  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
