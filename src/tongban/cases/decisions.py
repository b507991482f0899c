"""Decisions without a person: 秒批 (auto-approval) and 告知承诺 (pledges with a post-check).

秒批: when a case opens for an item with an active auto rule, every check is evaluated — yes/no
questions to the hub about the applicant (verify-not-reveal, audited like any verify call) and
conditions over the form's answers. The evaluation is kept as evidence (`AutoCheck`). All hold: the
platform accepts and approves within the request, citing the evidence. One fails, or the hub cannot
answer: the case stays at intake for a person, with the failing check shown.

告知承诺: for an item with an active pledge rule the applicant signs the item's pledge text instead of
supplying proofs; the case is accepted and approved at once, and a post-check falls due within the
rule's working days. A failed check revokes the decision and records the breach.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.cases import services
from tongban.cases.codes import Action, State
from tongban.cases.models import AutoCheck, Case, DecisionRule, Pledge
from tongban.cases.services import Actor
from tongban.core.audit import audit_record
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tongban.exchange.verify import verify_answer
from tongban.forms import expr
from tongban.identity.roles import Role

AUTO = Actor.system("auto-approval")
PLEDGE = Actor.system("pledge")


def _answers(case: Case) -> dict[str, Any]:
    """What the form said, by field key: collected answers and the shared values' canonical text."""
    submission = case.submission
    return {**{k: v.get("text") for k, v in submission.shared.items()}, **submission.answers}


def _subject(case: Case) -> str:
    if case.subject_enterprise_id:
        return case.subject_enterprise.credit_code  # type: ignore[union-attr]
    return (case.subject_person or case.agent).id_number


def _one(case: Case, check: dict[str, Any]) -> dict[str, Any]:
    label = str(check.get("label") or check.get("predicate") or "条件")
    if "predicate" in check:
        try:
            answer = verify_answer(
                consumer=case.department, subject=_subject(case), predicate_code=check["predicate"],
                params=check.get("params") or {}, purpose=f"秒批：{case.implementation.item.name}", case=case.number,
                actor=AUTO.ref,
            )  # fmt: skip
        except DomainError as refused:  # no grant, quota, unknown predicate: a person decides
            return {"label": label, "passed": False, "evidence": f"无法核验：{refused.message_zh}"}
        return {"label": label, "passed": answer.result == "true",
                "evidence": f"核验结果 {answer.result}（凭证 {answer.evidence_id}）"}  # fmt: skip
    try:
        held = expr.evaluate(check.get("logic"), _answers(case))
    except Exception as broken:  # a rule the operator wrote badly must not stop the case
        return {"label": label, "passed": False, "evidence": f"条件无法计算：{type(broken).__name__}"}
    return {"label": label, "passed": held, "evidence": "申请表内容符合" if held else "申请表内容不符合"}


def auto_decide(*, case: Case) -> AutoCheck | None:
    """Run the item's 秒批 rule for a newly opened case (inside its transaction); None without a rule."""
    rule = DecisionRule.objects.filter(implementation=case.implementation, kind=DecisionRule.Kind.AUTO,
                                       active=True).first()  # fmt: skip
    if rule is None or case.state != State.SUBMITTED:
        return None
    results = [_one(case, check) for check in rule.checks]
    passed = bool(results) and all(r["passed"] for r in results)
    evidence = AutoCheck.objects.create(case=case, passed=passed, results=results)
    if passed:
        services.case_accept(case_id=case.pk, actor=AUTO, note="秒批：全部条件核验通过")
        services.case_decide(case_id=case.pk, actor=AUTO, approve=True, reason="秒批：全部条件核验通过，自动准予",
                             evidence={"auto_check": str(evidence.pk), "results": results})  # fmt: skip
    return evidence


def pledge_rule(*, case: Case) -> DecisionRule | None:
    return DecisionRule.objects.filter(implementation=case.implementation, kind=DecisionRule.Kind.PLEDGE,
                                       active=True).first()  # fmt: skip


@transaction.atomic
def pledge_sign(*, case_id: Any, actor: Actor, text: str) -> Pledge:
    """The applicant signs the item's pledge: accepted and approved at once, a post-check scheduled."""
    case = Case.objects.select_for_update().get(pk=case_id)
    rule = pledge_rule(case=case)
    if rule is None:
        raise NotFound("本事项不适用告知承诺", "This item takes no pledge")
    if actor.user is None or actor.user.pk != case.user_id:
        raise PermissionDenied("只有申请人可以签署承诺", "Only the applicant can sign the pledge")
    if (text or "").strip() != rule.pledge_text.strip():
        raise InvalidInput("请完整确认承诺书内容", "Confirm the whole pledge text", field="pledge")
    if case.state != State.SUBMITTED:
        raise services.TransitionRefused(case, Action.ACCEPT)
    pledge = Pledge.objects.create(
        case=case, text=rule.pledge_text, signed_by=actor.name,
        check_due_on=add_working_days(timezone.localdate(), max(1, rule.check_within_days)),
    )  # fmt: skip
    services.case_accept(case_id=case.pk, actor=PLEDGE, note="告知承诺：申请人已签署承诺书")
    services.case_decide(case_id=case.pk, actor=PLEDGE, approve=True, reason="告知承诺：当场准予，事后核查",
                         evidence={"pledge": str(pledge.pk)})  # fmt: skip
    return pledge


@transaction.atomic
def pledge_check(*, pledge_id: Any, actor: Actor, kept: bool, finding: str) -> Pledge:
    """Record the post-check; a breached pledge revokes the decision."""
    pledge = Pledge.objects.select_for_update().select_related("case").get(pk=pledge_id)
    staff = actor.staff
    if staff is None or staff.department_id != pledge.case.department_id or not staff.has_role(Role.REVIEWER):
        raise PermissionDenied("只有承办部门的审批人员可以核查承诺", "Only the department's reviewers can check")
    if pledge.outcome != Pledge.Outcome.PENDING:
        raise Conflict("该承诺已核查", "This pledge has been checked")
    if not (finding or "").strip():
        raise InvalidInput("请写明核查情况", "Describe what the check found", field="finding")
    pledge.outcome = Pledge.Outcome.KEPT if kept else Pledge.Outcome.BREACHED
    pledge.finding, pledge.checked_by, pledge.checked_at = finding.strip(), actor.name, timezone.now()
    pledge.save()
    if not kept:
        services.case_revoke(case_id=pledge.case_id, actor=actor, reason=f"告知承诺核查：承诺不实。{pledge.finding}")
        audit_record(action="case.pledge_breached", actor=actor.ref, object_type="case",
                     object_id=pledge.case.number, data={"finding": pledge.finding[:300]})  # fmt: skip
    return pledge
