"""/api/v1 endpoints of identity: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from tongban.core.problems import problem_openapi
from tongban.identity import selectors

router = Router(tags=["identity"])


class MeOut(Schema):
    kind: str  # "person" or "staff"
    name: str
    realname_level: int | None = None
    masked_id_number: str | None = None
    department: str | None = None
    roles: list[str] = []
    language: str
    elder_mode: bool


@router.get(
    "/me",
    response=MeOut,
    auth=django_auth,
    summary="当前登录用户 Current user",
    openapi_extra={"responses": {"401": problem_openapi("请先登录 Authentication required (RFC 9457 problem)")}},
)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    person = selectors.person_for_user(user=user)  # type: ignore[arg-type]
    staff = selectors.staff_for_user(user=user)  # type: ignore[arg-type]
    common = {"language": user.language or "zh-hans", "elder_mode": user.elder_mode}  # type: ignore[union-attr]
    if person is not None:
        return MeOut(
            kind="person",
            name=person.name,
            realname_level=person.realname_level,
            masked_id_number=person.masked_id,
            roles=list(staff.roles) if staff else [],
            department=staff.department.name if staff and staff.department else None,
            **common,
        )
    return MeOut(
        kind="staff" if staff else "user",
        name=staff.name if staff else user.get_username(),
        department=staff.department.name if staff and staff.department else None,
        roles=list(staff.roles) if staff else [],
        **common,
    )
