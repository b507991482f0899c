"""/api/v1 endpoints of the e-licences: a department or an enterprise fetches a licence the holder authorised it
to use (用证授权), and anyone verifies a presentation (the answer is an outcome, never an error for bad input)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import django_auth

from tongban.core.errors import PermissionDenied
from tongban.core.problems import problem_openapi
from tongban.identity import selectors as identity
from tongban.licenses import grants, showing

router = Router(tags=["licences"])


class GrantPresentationOut(Schema):
    licence_id: str
    licence_name: str
    purpose: str
    valid_until: datetime = Field(description="授权截止时间")
    disclosed: list[str] = Field(description="授权可见的信息项")
    presentation: str = Field(description="SD-JWT VC（仅含授权的披露项），按 /.well-known/jwt-vc-issuer 核验")


class LicenceVerifyIn(Schema):
    presentation: str = Field(max_length=20_000)


class LicenceVerifyOut(Schema):
    valid: bool
    outcome: str
    message: str
    message_en: str
    issuer: str
    claims: dict[str, Any] = Field(description="持证人出示的信息项")
    status_as_of: datetime | None


@router.get("/licences/grants/{grant_id}/presentation", response=GrantPresentationOut, auth=django_auth,
            summary="用证授权：获取持证人授权使用的证照 Fetch a licence the holder authorised",
            openapi_extra={"responses": {
                "401": problem_openapi("请先登录 Authentication required"),
                "403": problem_openapi("授权已撤销、过期或证照无效 Revoked, expired or licence not valid"),
                "404": problem_openapi("没有给本部门或本人所代表企业的该授权 "
                                       "No such authorisation for your department or enterprise")}})  # fmt: skip
def grant_presentation(request: HttpRequest, grant_id: str) -> dict[str, Any]:
    """Department staff fetch their department's grants; a person, those of the enterprises they act for."""
    staff = identity.staff_for_user(user=request.user)  # type: ignore[arg-type]
    person = identity.person_for_user(user=request.user)  # type: ignore[arg-type]
    if staff is None and person is None:
        raise PermissionDenied(
            "只有部门工作人员或企业经办人可以使用授权",
            "Only department staff or people acting for an enterprise use authorisations",
        )
    grant, presentation = grants.grant_fetch(staff=staff, person=person, grant_id=grant_id)
    return {"licence_id": grant.licence.identifier, "licence_name": grant.licence.licence_type.name,
            "purpose": grant.purpose, "valid_until": grant.valid_until, "disclosed": grant.disclosed,
            "presentation": presentation}  # fmt: skip


@router.post("/licences/verify", response=LicenceVerifyOut, auth=None,
             summary="核验电子证照 Verify a licence presentation",
             openapi_extra={"responses": {"400": problem_openapi("请求体不是 JSON Body is not JSON"),
                                          "422": problem_openapi("请求参数有误 Invalid input")}})  # fmt: skip
def verify_presentation(request: HttpRequest, payload: LicenceVerifyIn) -> dict[str, Any]:
    result = showing.presentation_check(presentation=payload.presentation)
    claims = {name: result.claims.get(name) for name in result.disclosed} if result.valid else {}
    return {"valid": result.valid, "outcome": str(result.outcome), "message": result.message_zh,
            "message_en": result.message_en, "issuer": result.iss, "claims": claims,
            "status_as_of": result.status_as_of}  # fmt: skip
