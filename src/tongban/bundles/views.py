"""Public bundle pages: the list of 一件事 with their measured reduction, and one bundle's situational guide —
the applicant answers the 情形 questions (a plain GET form: works without script, the answers are in the URL
to share or bookmark) and reads the items, the one set of materials and the one form composed for them."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.bundles import selectors
from tongban.bundles.definition import Definition
from tongban.bundles.merge import APPLICANT, EXEMPT, FORM, PLEDGE, Composition, compose
from tongban.bundles.reduction import Reduction, reduction_of
from tongban.core.errors import NotFound
from tongban.identity import selectors as identity

MAX_ANSWERS = 20


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [(_("首页"), reverse("catalog:home")), *pairs]]


def measure_rows(r: Reduction) -> list[dict[str, Any]]:
    labels = {
        "materials": _("需提交的材料（件）"),
        "form_fields": _("需填写的表单字段（项）"),
        "visits": _("到现场次数"),
        "steps": _("办理环节"),
        "promised_days": _("承诺办结时限（天）"),
    }
    return [{"label": labels[k], "m": m} for k, m in r.measures.items()]


def bundle_list_view(request: HttpRequest) -> HttpResponse:
    rows = []
    for bundle in selectors.bundle_list():
        version = selectors.bundle_version_published(bundle=bundle)
        try:
            reduction: Reduction | None = selectors.bundle_reduction(version=version)
        except selectors.BundleItemUnavailable:
            reduction = None  # listed as 暂停办理; the others stay usable
        rows.append({"bundle": bundle, "reduction": reduction})
    return render(request, "bundles/list.html", {"rows": rows, "breadcrumbs": _crumbs((_("一件事一次办"), ""))})


def _answers(request: HttpRequest, definition: Definition) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in definition.questions[:MAX_ANSWERS]:
        values = [v[:40] for v in request.GET.getlist(question.key)[:10]]
        if values:
            answers[question.key] = values if question.multiple else values[0]
    return answers


def _way_label(way: str, because: tuple[str, ...], definition: Definition) -> str:
    if way == EXEMPT:
        upstream = [b.removeprefix("upstream:") for b in because if b.startswith("upstream:")]
        if upstream:
            return _("免提交（由“%(item)s”的办理结果提供）") % {"item": definition.name_of(upstream[0])}
        return _("免提交（共享数据或电子证照获取）")
    return {FORM: _("在线填写（合并为一张申请表）"), PLEDGE: _("告知承诺替代"), APPLICANT: _("需提交")}[way]


def _questions(composition: Composition) -> list[dict[str, Any]]:
    """The questions to ask now (a follow-up appears once its answer is chosen), each option marked if chosen."""
    chosen = composition.situation.answers
    return [
        {"q": q, "options": [{"o": o, "checked": o.key in chosen.get(q.key, ())} for o in q.options]}
        for q in composition.situation.asked
    ]


def bundle_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        bundle = selectors.bundle_get(code=code)
        version = selectors.bundle_version_published(bundle=bundle)
    except NotFound as error:
        raise Http404(error.message) from error
    try:
        definition = selectors.bundle_definition(version=version)  # read once; the rest is pure
    except selectors.BundleItemUnavailable as error:
        paused = {"bundle": bundle, "error": error, "breadcrumbs": _crumbs((bundle.name, ""))}
        return render(request, "bundles/unavailable.html", paused, status=409)
    whole = compose(definition, None)
    answers = _answers(request, definition)
    guide = compose(definition, answers) if answers else None
    context: dict[str, Any] = {
        "bundle": bundle,
        "version": version,
        "whole": whole,
        "reduction_rows": measure_rows(reduction_of(whole)),
        "guide": guide,
        "questions": _questions(guide or compose(definition, {})),
        "breadcrumbs": _crumbs((_("一件事一次办"), reverse("bundles:list")), (bundle.name, "")),
    }
    if guide is not None:
        context["guide_reduction_rows"] = measure_rows(reduction_of(guide))
        context["items"] = [{"i": i, "upstream": [definition.name_of(u) for u in i.upstream]} for i in guide.items]
        context["materials"] = [
            {"m": m, "way": _way_label(m.way, m.exempt_because, definition),
             "items": [definition.name_of(n) for n in dict.fromkeys(n for n, _ in m.sources)]}
            for m in guide.materials
        ]  # fmt: skip
        context["fields"] = [
            {"f": f, "items": [definition.name_of(n) for n in f.nodes],
             "filled_by": [definition.name_of(n) for n in f.filled_by]}
            for f in guide.fields
        ]  # fmt: skip
        context["without_form"] = [i.node for i in guide.items if not i.node.has_form]
        person = identity.person_for_user(user=request.user) if request.user.is_authenticated else None  # type: ignore[arg-type]
        context["enterprises"] = list(identity.enterprise_list_for_representative(person=person)) if person else []
    return render(request, "bundles/detail.html", context)
