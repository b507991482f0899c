"""The operator's bundle designer: a bundle's definition as JSON (the BundleSpec the demo and the API use),
saved as a draft and checked — every problem at once, with the path of a cycle and why an item is unreachable —
then published as the next immutable version; earlier versions stay listed. A structured editor can come later
over the same services; the JSON keeps every part of the definition editable today."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from pydantic import ValidationError

from tongban.bundles import selectors, services
from tongban.bundles.checks import Problem
from tongban.bundles.merge import compose
from tongban.bundles.models import Bundle, VersionStatus
from tongban.bundles.reduction import reduction_of
from tongban.bundles.schema import BundleSpec
from tongban.bundles.views import measure_rows
from tongban.core.errors import DomainError, NotFound
from tongban.identity.selectors import staff_for_user

MAX_DEFINITION = 200_000  # characters of JSON: far above any real bundle

NEW_TEMPLATE: dict[str, Any] = {
    "code": "new-bundle",
    "name": "某某一件事",
    "name_en": "",
    "description": "",
    "kind": "life_event",
    "life_event": "",
    "items": [{"key": "first", "item": "基本编码或实施编码", "core": True}],
    "edges": [],
    "questions": [],
}


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged-in staff with the operator role; anyone else is told the page does not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        staff = staff_for_user(user=request.user)  # type: ignore[arg-type]
        if staff is None or not staff.has_role("operator"):
            raise Http404(_("页面不存在"))
        request.actor = f"staff:{staff.user.username}"  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    home = [(_("首页"), reverse("catalog:home")), (_("一件事管理"), reverse("bundles:manage"))]
    return [{"label": label, "url": url} for label, url in [*home, *pairs]]


@operator_required
def manage_list(request: HttpRequest) -> HttpResponse:
    rows = [{"bundle": b, "versions": selectors.bundle_versions(bundle=b)} for b in selectors.bundle_list_all()]
    return render(request, "bundles/manage/list.html", {"rows": rows, "breadcrumbs": _crumbs()})


def _parse(text: str) -> tuple[BundleSpec | None, list[str]]:
    """The posted JSON as a spec, or what is wrong with it (every pydantic error, located)."""
    if len(text) > MAX_DEFINITION:
        return None, [_("定义过长")]
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [_("第 %(line)d 行第 %(col)d 列：JSON 格式有误") % {"line": error.lineno, "col": error.colno}]
    try:
        return BundleSpec.model_validate(raw), []
    except ValidationError as error:
        return None, [
            f"{'.'.join(str(p) for p in e['loc']) or _('定义')}：{str(e['msg']).removeprefix('Value error, ')}"
            for e in error.errors()
        ]


def _outline(version: Any) -> dict[str, Any]:
    """Each item with the results it needs and the answers that choose it: the structure at a glance."""
    definition = selectors.bundle_outline(version=version)
    items = []
    for node in definition.nodes:
        upstream = [definition.name_of(f.upstream) for f in definition.flows if f.downstream == node.key]
        chosen_by = [f"{q.text} → {o.label}" for q in definition.questions for o in q.options if node.key in o.nodes]
        items.append({"node": node, "upstream": upstream, "selected_by": chosen_by})
    return {"items": items, "questions": definition.questions}


def _page(
    request: HttpRequest, *, bundle: Bundle | None, text: str, errors: list[str], problems: list[Problem]
) -> HttpResponse:
    reduction_rows = None
    versions = selectors.bundle_versions(bundle=bundle) if bundle else []
    draft = selectors.bundle_version_draft(bundle=bundle) if bundle else None
    if draft is not None and not problems and not errors:
        try:
            reduction_rows = measure_rows(reduction_of(compose(selectors.bundle_definition(version=draft), None)))
        except DomainError:
            reduction_rows = None
    outline = _outline(draft or versions[0]) if draft is not None or versions else None
    context = {
        "bundle": bundle,
        "outline": outline,
        "text": text,
        "errors": errors,
        "problems": problems,
        "draft": draft,
        "versions": versions,
        "published": any(v.status == VersionStatus.PUBLISHED for v in versions),
        "reduction_rows": reduction_rows,
        "breadcrumbs": _crumbs((bundle.name if bundle else _("新建一件事"), "")),
    }
    return render(request, "bundles/manage/edit.html", context, status=422 if errors or problems else 200)


@operator_required
def manage_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    bundle: Bundle | None = None
    if code is not None:
        try:
            bundle = selectors.bundle_get(code=code)
        except NotFound as error:
            raise Http404(error.message) from error
    if request.method != "POST":
        if bundle is None:
            text = json.dumps(NEW_TEMPLATE, ensure_ascii=False, indent=2)
            return _page(request, bundle=None, text=text, errors=[], problems=[])
        version = selectors.bundle_version_draft(bundle=bundle) or selectors.bundle_versions(bundle=bundle)[0]
        text = json.dumps(selectors.bundle_spec(version=version).model_dump(mode="json"), ensure_ascii=False, indent=2)
        draft = selectors.bundle_version_draft(bundle=bundle)
        problems = selectors.bundle_check(version=draft) if draft else []
        return _page(request, bundle=bundle, text=text, errors=[], problems=problems)

    text = request.POST.get("definition", "")
    spec, errors = _parse(text)
    if spec is not None and bundle is not None and spec.code != bundle.code:
        errors = [_("编码不能修改（%(code)s）；要另建一件事，请使用“新建”") % {"code": bundle.code}]
    if spec is not None and bundle is None and selectors.bundle_exists(code=spec.code):
        errors = [_("编码 %(code)s 已被使用") % {"code": spec.code}]
    if spec is None or errors:
        return _page(request, bundle=bundle, text=text, errors=errors, problems=[])
    actor: str = request.actor  # type: ignore[attr-defined]
    try:
        draft = services.bundle_draft_save(spec=spec, actor=actor)
    except DomainError as error:
        return _page(request, bundle=bundle, text=text, errors=[error.message], problems=[])
    bundle = draft.bundle
    if request.POST.get("action") == "publish":
        try:
            published = services.bundle_publish(bundle=bundle, actor=actor)
        except services.BundleInvalid as refused:
            return _page(request, bundle=bundle, text=text, errors=[], problems=refused.problems)
        except DomainError as error:
            return _page(request, bundle=bundle, text=text, errors=[error.message], problems=[])
        messages.success(request, _("第 %(n)d 版已发布，公众现在看到的是新版本。") % {"n": published.number})
        return redirect("bundles:manage_edit", code=bundle.code)
    problems = selectors.bundle_check(version=draft)
    if not problems:
        messages.success(request, _("草稿已保存，检查未发现问题，可以发布。"))
        return redirect("bundles:manage_edit", code=bundle.code)
    return _page(request, bundle=bundle, text=text, errors=[], problems=problems)
