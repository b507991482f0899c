"""A case's official documents as PDF, made with WeasyPrint from HTML templates: the one-time correction
notice (一次性告知书) and the decision document (决定书) of an approval or a denial.

They are documents of the department and are issued in Chinese whatever the page language; the font is
Noto Sans CJK SC (Debian's fonts-noto-cjk) so every character is embedded. Both templates extend
cases/_document.html (page, type, the facts table and the signature block).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tongban.cases import selectors
from tongban.cases.codes import State
from tongban.cases.models import Case, CorrectionNotice
from tongban.catalog import selectors as catalog
from tongban.catalog.codes import ItemType
from tongban.core.errors import NotFound
from tongban.core.pdf import render_pdf


def chinese_date(moment: dt.datetime | dt.date) -> str:
    """2026年1月26日, as official documents write dates."""
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    return f"{day.year}年{day.month}月{day.day}日"


def applicant_lines(case: Case) -> dict[str, str]:
    """Who a document is addressed to: the applicant's name and masked ID number (a firm's credit code
    is public), and the person who acted for them when that is someone else."""
    agent = case.agent
    if case.subject_enterprise is not None:
        firm = case.subject_enterprise
        return {"name": firm.name, "id": firm.credit_code, "agent": f"{agent.name}（{agent.masked_id}）"}
    person = case.subject_person or agent
    acted_for = case.subject_person is not None and case.subject_person.pk != agent.pk
    on_behalf = f"{agent.name}（{agent.masked_id}）" if acted_for else ""
    return {"name": person.name, "id": person.masked_id, "agent": on_behalf}


# --- 一次性告知书 ---------------------------------------------------------------------------------


def notice_context(*, case: Case, notice: CorrectionNotice) -> dict[str, Any]:
    return {
        "case": case,
        "notice": notice,
        "applicant": applicant_lines(case),
        "issued_on": chinese_date(notice.issued_at),
    }


def notice_pdf(*, case: Case, notice: CorrectionNotice) -> bytes:
    """The PDF bytes of the case's correction notice."""
    return render_pdf("cases/window/notice_pdf.html", notice_context(case=case, notice=notice))


# --- 决定书 -------------------------------------------------------------------------------------

# How a decision made without a person says who decided (the transition's actor).
DECIDED_BY = {"system:auto-approval": "无人干预自动审批（秒批）", "system:pledge": "告知承诺，当场作出决定"}


def decision_title(*, case: Case, approved: bool) -> str:
    """准予/不予行政许可决定书 for a licensing item (行政许可法第三十八条), 准予/不予办理决定书 otherwise."""
    kind = "行政许可" if case.implementation.item.item_type == ItemType.LICENSING else "办理"
    return f"{'准予' if approved else '不予'}{kind}决定书"


def decision_context(*, case: Case, decision: selectors.Decision) -> dict[str, Any]:
    """What the decision document says. The legal basis is the guide's that was in force when the
    decision was made (a later revision of the guide does not rewrite an issued decision)."""
    at = decision.moved.at
    guide = catalog.guide_in_force(case.implementation, at=at)
    if guide is None:
        try:
            guide = catalog.guide_published(case.implementation)
        except NotFound:
            guide = None
    return {
        "case": case,
        "decision": decision,
        "title": decision_title(case=case, approved=decision.approved),
        "applicant": applicant_lines(case),
        "legal_basis": list(guide.legal_basis) if guide is not None else [],
        "result": guide.result if guide is not None else "",
        "decided_on": chinese_date(at),
        "decided_by": DECIDED_BY.get(decision.moved.actor, decision.moved.actor_name),
        "revoked_on": chinese_date(decision.revoked.at) if decision.revoked else "",
        "licensing": case.implementation.item.item_type == ItemType.LICENSING,
    }


DOCUMENT_STATES = frozenset({State.APPROVED, State.DENIED, State.RESULT_DELIVERED, State.ARCHIVED, State.REVOKED})


def decision_pdf(*, case: Case) -> bytes:
    """The PDF bytes of the case's decision document; NotFound before a decision."""
    decision = selectors.case_decision(case=case) if case.state in DOCUMENT_STATES else None
    if decision is None:
        raise NotFound("本办件尚未作出决定", "This case has no decision yet")
    return render_pdf("cases/decision_pdf.html", decision_context(case=case, decision=decision))
