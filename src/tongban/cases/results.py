"""E-licences a decision issues and revokes (issue 6 part 2): the item's 办理结果 as licences in the wallet.

A licence type names the items whose approval issues it (`LicenceType.issued_by`, basic codes) and is
issued by the case's own department. Approving such a case issues the licence to the applicant in the same
transaction — an approval whose licence cannot be made (a field the application does not hold) is refused
with the reason, never approved without the result it promises. Each field comes from the application: the
form field the type's field names (`from`, default its own name), as answered or as shared by the hub, a
choice shown by its label. The licence number is the case number: readable, unique, and it leads back to
the case. Revoking the decision (a failed 告知承诺 check) revokes every licence the case issued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tongban.cases.models import Case
from tongban.core.errors import InvalidInput
from tongban.forms import selectors as forms
from tongban.licenses import selectors as licences
from tongban.licenses import services as licensing
from tongban.licenses.codes import HolderKind, LicenceState

if TYPE_CHECKING:  # cases.services imports this module
    from tongban.cases.services import Actor
    from tongban.licenses.models import Licence, LicenceType


def _source(case: Case) -> str:
    return f"case:{case.number}"


def _licence_actor(actor: Actor, case: Case) -> Any:
    """The staff member who decided, or the system task that did (秒批, a pledge) on the case's behalf."""
    return actor.staff if actor.staff is not None else f"system:case {case.number}"


def _values(case: Case) -> dict[str, Any]:
    """What the application holds, by form field key: shared values, declared ones, answers; choices as labels."""
    submission = case.submission
    values: dict[str, Any] = {}
    for key, shared in (submission.shared or {}).items():  # as the hub gave it, in words (性别 男, not 1)
        values[key] = shared.get("display") or shared.get("text") if isinstance(shared, dict) else shared
    for key, declared in (submission.declared or {}).items():  # the applicant disputed the shared value
        values[key] = declared.get("value") if isinstance(declared, dict) else declared
    values.update(submission.answers or {})
    for spec in forms.schema_for(submission.version).fields:
        if spec.choices and str(values.get(spec.key, "")) in spec.choices:
            values[spec.key] = spec.choices[str(values[spec.key])]
    return values


def _fields(licence_type: LicenceType, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in licence_type.fields:
        value = values.get(spec.get("from") or spec["name"])
        if value not in (None, ""):
            out[spec["name"]] = value
    return out


def _holder(case: Case, licence_type: LicenceType) -> Any:
    if licence_type.holder_kind == HolderKind.ENTERPRISE:
        return case.subject_enterprise
    return case.subject_person or case.agent


def case_licences_issue(*, case: Case, actor: Actor) -> list[Licence]:
    """Issue the licences an approval of this case yields (call inside the approval's transaction)."""
    types = licences.licence_types_issued_by(item_code=case.implementation.item.basic_code,
                                             department_id=case.department_id)  # fmt: skip
    if not types:
        return []
    values = _values(case)
    issued = []
    for licence_type in types:
        holder = _holder(case, licence_type)
        if holder is None:
            raise InvalidInput(
                f"本事项的办理结果“{licence_type.name}”须发给企业，但本办件没有申请企业",
                f"The result {licence_type.name_en or licence_type.name} is issued to a firm; this case has none",
            )  # fmt: skip
        issued.append(licensing.licence_issue(
            licence_type=licence_type, holder=holder, number=case.number, fields=_fields(licence_type, values),
            actor=_licence_actor(actor, case), reason=f"办件 {case.number} 准予", source=_source(case),
        ))  # fmt: skip
    return issued


def case_licences_revoke(*, case: Case, actor: Actor, reason: str) -> list[Licence]:
    """Revoke what the case issued, its decision having been revoked."""
    revoked = []
    for licence in licences.licences_from(source=_source(case)):
        if licence.state in (LicenceState.ISSUED, LicenceState.SUSPENDED):
            revoked.append(licensing.licence_revoke(licence=licence, actor=_licence_actor(actor, case),
                                                    reason=f"办件 {case.number} 的决定已撤销：{reason}"))  # fmt: skip
    return revoked


def case_licences(*, case: Case) -> list[Licence]:
    """The licences the case issued (for the applicant's and the reviewer's pages)."""
    return list(licences.licences_from(source=_source(case)))
