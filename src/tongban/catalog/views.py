"""Catalogue pages: the portal home, search, guides, browsing, and the operator's catalogue management."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError as PydanticValidationError

from tongban.catalog import search, selectors, services
from tongban.catalog.forms import FeeFormSet, GuideForm, MaterialFormSet, PlaceFormSet, SynonymForm
from tongban.catalog.models import GuideVersion, Implementation
from tongban.catalog.schema import ItemSpec
from tongban.core.errors import DomainError, NotFound, RateLimited
from tongban.core.ratelimit import client_ip, rate_limit_hit
from tongban.identity.models import Staff
from tongban.identity.selectors import staff_for_user

PAGE_SIZE = 20
MAX_PAGE = 500


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [(_("首页"), reverse("catalog:home")), *pairs]]


def _int(value: str | None, default: int, *, low: int, high: int) -> int:
    try:
        number = int(value or default)
    except (TypeError, ValueError):
        return default
    return max(low, min(number, high))


# --- public pages ---------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    events = selectors.life_event_list()
    context = {
        "hot_searches": selectors.hot_searches(),
        "person_events": [e for e in events if not e.for_legal],
        "legal_events": [e for e in events if e.for_legal],
        "departments": selectors.department_list_with_counts(),
        "popular": selectors.popular_items(limit=8),
        "person_count": selectors.item_search(target=selectors.TARGET_PERSON, limit=1).total,
        "legal_count": selectors.item_search(target=selectors.TARGET_LEGAL, limit=1).total,
    }
    return render(request, "catalog/home.html", context)


def _search_page(
    request: HttpRequest,
    *,
    template: str,
    extra: dict[str, Any],
    life_event: str | None = None,
    department: str | None = None,
) -> HttpResponse:
    q = request.GET.get("q", "")
    target = request.GET.get("target") if request.GET.get("target") in selectors.TARGETS else None
    life_event = life_event or (request.GET.get("life_event") or "")[:50] or None
    department = department or (request.GET.get("department") or "")[:18] or None
    page = _int(request.GET.get("page"), 1, low=1, high=MAX_PAGE)
    context: dict[str, Any] = {
        **extra,
        "q": q[:200],
        "q_truncated": len(search.normalise(q, limit=None)) > search.MAX_QUERY_CHARS,
        "max_query_chars": search.MAX_QUERY_CHARS,
        "target": target or "",
        "life_event": life_event or "",
        "department": department or "",
        "life_events": selectors.life_event_list(),
        "departments": selectors.department_list_with_counts(),
    }
    try:
        rate_limit_hit(bucket="search", key=client_ip(request))
    except RateLimited as error:
        context["error"] = error
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(error.extra.get("retry_after", 60))
        return response
    results = selectors.item_search(
        q=q,
        target=target,
        life_event=life_event,
        department=department,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    if q and results.total and page == 1 and not results.relaxed:
        services.search_query_record(query=q)
    pages = max(1, -(-results.total // PAGE_SIZE))
    context.update(
        {
            "results": results,
            "page": page,
            "pages": pages,
            "page_range": [p for p in range(1, pages + 1) if abs(p - page) <= 3 or p in (1, pages)],
            "first_index": (page - 1) * PAGE_SIZE + 1,
        }
    )
    return render(request, template, context)


def search_view(request: HttpRequest) -> HttpResponse:
    extra = {"breadcrumbs": _crumbs((_("搜索结果"), ""))}
    return _search_page(request, template="catalog/search.html", extra=extra)


def life_event_view(request: HttpRequest, name: str) -> HttpResponse:
    try:
        event = selectors.life_event_get(name[:50])
    except NotFound as error:
        raise Http404(error.message) from error
    extra = {"event": event, "breadcrumbs": _crumbs((_("按主题浏览"), ""), (event.name, ""))}
    return _search_page(request, template="catalog/browse.html", extra=extra, life_event=event.name)


def department_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    try:
        department = selectors.department_get(credit_code)
    except NotFound as error:
        raise Http404(error.message) from error
    extra = {"dept": department, "breadcrumbs": _crumbs((_("按部门浏览"), ""), (department.name, ""))}
    return _search_page(request, template="catalog/browse.html", extra=extra, department=department.credit_code)


def guide_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        impl = selectors.implementation_get_by_code(code)
        guide = selectors.guide_published(impl)
    except NotFound as error:
        raise Http404(error.message) from error
    if impl.code != code:
        return redirect("catalog:guide", code=impl.code)
    services.implementation_record_view(implementation=impl)
    context = {
        "impl": impl,
        "guide": guide,
        "others": selectors.other_implementations(impl),
        "breadcrumbs": _crumbs(
            (impl.department.name, reverse("catalog:department", args=[impl.department.credit_code])),
            (impl.item.name, ""),
        ),
    }
    return render(request, "catalog/guide.html", context)


# --- operator: catalogue management ----------------------------------------------------------


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged-in staff with the operator role; anyone else is told the page does not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        staff = staff_for_user(user=request.user)  # type: ignore[arg-type]
        if staff is None or not staff.has_role("operator"):
            raise Http404(_("页面不存在"))
        request.staff = staff  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _staff(request: HttpRequest) -> Staff:
    return request.staff  # type: ignore[attr-defined, no-any-return]


def _impl_or_404(code: str) -> Implementation:
    try:
        return selectors.implementation_get_for_operator(code)
    except NotFound as error:
        raise Http404(error.message) from error


def _manage_crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs((_("事项目录管理"), reverse("catalog:manage")), *pairs)


@operator_required
def manage_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    paginator = Paginator(selectors.implementation_list_for_operator(q=q), 50)
    page = paginator.get_page(request.GET.get("page"))
    context = {"q": q, "page_obj": page, "breadcrumbs": _crumbs((_("事项目录管理"), ""))}
    return render(request, "catalog/manage/list.html", context)


def _guide_initial(
    guide: GuideVersion,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    spec = services.guide_to_spec(guide)
    data = spec.model_dump(mode="json")
    initial = {k: data[k] for k in GuideForm.base_fields if k in data}
    for which in ("legal", "promised"):
        initial[f"{which}_limit_days"] = data[f"{which}_limit"]["days"]
        initial[f"{which}_limit_unit"] = data[f"{which}_limit"]["unit"]
        initial[f"{which}_limit_note"] = data[f"{which}_limit"]["note"]
    return initial, data["materials"], data["fees"], data["places"]


def _rows(formset: Any) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _spec_from_forms(impl: Implementation, form: GuideForm, materials: Any, fees: Any, places: Any) -> ItemSpec:
    d = form.cleaned_data
    data = {
        "basic_code": impl.item.basic_code,
        "name": impl.item.name,
        "name_en": impl.item.name_en,
        "item_type": impl.item.item_type,
        "department": impl.department.credit_code,
        "level": impl.level,
        "targets": d["targets"],
        "handling_forms": d["handling_forms"],
        "case_type": d["case_type"],
        "legal_limit": {"days": d["legal_limit_days"], "unit": d["legal_limit_unit"], "note": d["legal_limit_note"]},
        "promised_limit": {
            "days": d["promised_limit_days"],
            "unit": d["promised_limit_unit"],
            "note": d["promised_limit_note"],
        },
        "fees": _rows(fees),
        "conditions": d["conditions"],
        "legal_basis": d["legal_basis"],
        "places": _rows(places),
        "process": d["process"],
        "visits": d["visits"],
        "online_depth": d["online_depth"],
        "realname_level": d["realname_level"],
        "life_events": d["life_events"],
        "keywords": d["keywords"],
        "summary": d["summary"],
        "materials": _rows(materials),
        "consult_phone": d["consult_phone"],
        "complaint_phone": d["complaint_phone"],
        "result": d["result"],
        "delivery": d["delivery"],
    }
    return ItemSpec.model_validate(data)


@operator_required
def manage_edit(request: HttpRequest, code: str) -> HttpResponse:
    impl = _impl_or_404(code)
    draft = selectors.guide_draft_get(impl)
    versions = selectors.guide_versions(impl)
    source = draft or (versions[0] if versions else None)
    error: DomainError | None = None
    if request.method == "POST":
        form = GuideForm(request.POST)
        materials = MaterialFormSet(request.POST, prefix="materials")
        fees = FeeFormSet(request.POST, prefix="fees")
        places = PlaceFormSet(request.POST, prefix="places")
        if all([form.is_valid(), materials.is_valid(), fees.is_valid(), places.is_valid()]):
            try:
                spec = _spec_from_forms(impl, form, materials, fees, places)
                with transaction.atomic():
                    guide = services.guide_draft_create(implementation=impl, actor=_staff(request))
                    services.guide_draft_update(
                        guide=guide, spec=spec, actor=_staff(request), change_note=form.cleaned_data["change_note"]
                    )
            except PydanticValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                error = DomainError(f"内容不完整：{where}（{first['msg']}）", f"Incomplete: {where} ({first['msg']})")
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _("草稿已保存（第 %(n)d 版），请预览后发布。") % {"n": guide.number})
                return redirect("catalog:manage_preview", code=impl.code, number=guide.number)
    else:
        if source is None:
            form = GuideForm()
            materials = MaterialFormSet(prefix="materials")
            fees = FeeFormSet(prefix="fees")
            places = PlaceFormSet(prefix="places")
        else:
            initial, m_rows, f_rows, p_rows = _guide_initial(source)
            form = GuideForm(initial=initial)
            materials = MaterialFormSet(prefix="materials", initial=m_rows)
            fees = FeeFormSet(prefix="fees", initial=f_rows)
            places = PlaceFormSet(prefix="places", initial=p_rows)
    context = {
        "impl": impl,
        "draft": draft,
        "source": source,
        "form": form,
        "materials": materials,
        "fees": fees,
        "places": places,
        "error": error,
        "formsets": [materials, fees, places],
        "breadcrumbs": _manage_crumbs(
            (impl.item.name, reverse("catalog:manage_history", args=[impl.code])), (_("编辑"), "")
        ),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "catalog/manage/edit.html", context, status=status)


@operator_required
def manage_preview(request: HttpRequest, code: str, number: int) -> HttpResponse:
    impl = _impl_or_404(code)
    try:
        guide = selectors.guide_version_get(impl, number)
    except NotFound as error:
        raise Http404(error.message) from error
    context = {
        "impl": impl,
        "guide": guide,
        "preview": True,
        "breadcrumbs": _manage_crumbs(
            (impl.item.name, reverse("catalog:manage_history", args=[impl.code])),
            (_("第 %(n)d 版") % {"n": guide.number}, ""),
        ),
    }
    return render(request, "catalog/manage/preview.html", context)


@operator_required
@require_POST
def manage_publish(request: HttpRequest, code: str, number: int) -> HttpResponse:
    impl = _impl_or_404(code)
    try:
        guide = selectors.guide_version_get(impl, number)
        services.guide_publish(guide=guide, actor=_staff(request))
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("catalog:manage_preview", code=impl.code, number=number)
    messages.success(request, _("第 %(n)d 版已发布，公众现在看到的是新版本。") % {"n": guide.number})
    return redirect("catalog:manage_history", code=impl.code)


@operator_required
def manage_history(request: HttpRequest, code: str) -> HttpResponse:
    impl = _impl_or_404(code)
    context = {
        "impl": impl,
        "versions": selectors.guide_versions(impl),
        "breadcrumbs": _manage_crumbs((impl.item.name, "")),
    }
    return render(request, "catalog/manage/history.html", context)


@operator_required
def manage_synonyms(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    if request.method == "POST":
        form = SynonymForm(request.POST)
        if form.is_valid():
            try:
                services.synonym_save(
                    term=form.cleaned_data["term"], expansions=form.cleaned_data["expansions"], actor=_staff(request)
                )
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _("已保存同义词“%(term)s”。") % {"term": form.cleaned_data["term"]})
                return redirect("catalog:manage_synonyms")
    else:
        form = SynonymForm()
    context = {
        "form": form,
        "error": error,
        "synonyms": selectors.synonym_list(),
        "breadcrumbs": _manage_crumbs((_("搜索同义词"), "")),
    }
    return render(request, "catalog/manage/synonyms.html", context, status=422 if request.method == "POST" else 200)


@operator_required
@require_POST
def manage_synonym_delete(request: HttpRequest, synonym_id: str) -> HttpResponse:
    try:
        services.synonym_delete(synonym_id=str(synonym_id), actor=_staff(request))
    except NotFound as error:
        raise Http404(error.message) from error
    messages.success(request, _("已删除同义词。"))
    return redirect("catalog:manage_synonyms")
