"""Pages of identity: login with a one-time code, registration, the account area, the back office."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongban.core.errors import DomainError, NotFound
from tongban.core.ratelimit import client_ip, rate_limit_hit
from tongban.identity import selectors, services
from tongban.identity.decorators import login_required_resume, resumed_form_data, staff_required
from tongban.identity.forms import (
    CodeForm,
    DelegationForm,
    FaceForm,
    LoginForm,
    PreferencesForm,
    RegisterForm,
    RegistryCheckForm,
)
from tongban.identity.models import Person, User
from tongban.identity.pages import account_context
from tongban.identity.roles import RealNameLevel, Role

PENDING = "tongban_login_pending"


def _ua(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": _("首页"), "url": reverse("catalog:home")}] + [{"label": a, "url": b} for a, b in pairs]


# --- login ------------------------------------------------------------------------------------


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.login_start(
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
                user_agent=_ua(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            request.session[PENDING] = {
                "code_id": str(challenge.code_id),
                "user_id": str(challenge.user_id),
                "sent_to": challenge.sent_to,
                "digest": challenge.identifier_digest,
                "next": _safe_next(request, next_url),
            }
            return redirect("identity:login_code")
    context = {
        "form": form,
        "next": next_url,
        "breadcrumbs": _crumbs((_("登录"), "")),
    }
    return render(request, "identity/login.html", context, status=200)


def login_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending:
        messages.info(request, _("请先输入账号和密码。"))
        return redirect("identity:login")
    form = CodeForm(request.POST or None) if request.POST.get("action") != "resend" else CodeForm()
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            rate_limit_hit(bucket="login_resend", key=pending["user_id"], limit=3, window=300)
            otp = services.otp_issue(user=User.objects.get(pk=pending["user_id"]))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            pending["code_id"] = str(otp.pk)
            request.session[PENDING] = pending
            messages.success(request, _("新的验证码已发送，之前的验证码已失效。"))
            return redirect("identity:login_code")
    elif request.method == "POST" and form.is_valid():
        try:
            user = services.login_verify_code(
                code_id=UUID(pending["code_id"]),
                code=form.cleaned_data["code"],
                ip=client_ip(request),
                user_agent=_ua(request),
                identifier_digest=pending.get("digest", ""),
            )
        except services.CodeInvalid as exc:
            request.session.pop(PENDING, None)
            messages.error(request, exc.message)
            return redirect(reverse("identity:login") + "?next=" + pending.get("next", ""))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            request.session.pop(PENDING, None)
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(_safe_next(request, pending.get("next")))
    context = {"form": form, "sent_to": pending.get("sent_to", ""), "breadcrumbs": _crumbs((_("登录"), ""))}
    return render(request, "identity/login_code.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout_record(user=_user(request), ip=client_ip(request), user_agent=_ua(request))
    auth_logout(request)
    messages.success(request, _("您已安全退出。"))
    return redirect("catalog:home")


def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Registration answers whether an ID number has an account, so it is rate-limited per address.
            rate_limit_hit(bucket="register", key=client_ip(request), limit=10, window=3600)
            services.person_register(
                name=data["name"], id_number=data["id_number"], mobile=data["mobile"], password=data["password"]
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("注册成功。请用身份证号或手机号登录；实名核验后可办理更多事项。"))
            return redirect("identity:login")
    return render(request, "identity/register.html", {"form": form, "breadcrumbs": _crumbs((_("注册"), ""))})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that has expired: say so plainly and offer the way back."""
    back = request.META.get("HTTP_REFERER") or request.path
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = request.path
    return render(request, "identity/csrf_failure.html", {"back": back}, status=403)


def demo_outbox(request: HttpRequest) -> HttpResponse:
    """The SMS the demo 'sent' (login codes). Exists only in demo mode."""
    if not settings.DEMO_MODE:
        raise Http404
    context = {"outbox": selectors.outbox_list_demo(), "breadcrumbs": _crumbs((_("演示短信发件箱"), ""))}
    return render(request, "identity/demo_outbox.html", context)


# --- account ----------------------------------------------------------------------------------


def _account_context(request: HttpRequest, section: str, title: str, **extra: Any) -> dict[str, Any]:
    return account_context(request, section=section, title=title, **extra)


@login_required_resume
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.user_preferences_update(
                    user=user, language=form.cleaned_data["language"], elder_mode=form.cleaned_data["elder_mode"]
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("偏好设置已保存。"))
                response = redirect("identity:account")
                response.set_cookie("tongban_lang", user.language, max_age=365 * 24 * 3600, samesite="Lax")
                response.set_cookie(
                    "tongban_elder", "1" if user.elder_mode else "0", max_age=365 * 24 * 3600, samesite="Lax"
                )
                return response
    else:
        initial = resumed_form_data(request) or {
            "language": user.language or request.LANGUAGE_CODE,  # type: ignore[attr-defined]
            "elder_mode": getattr(request, "elder_mode", False),
        }
        form = PreferencesForm(initial=initial)
    context = _account_context(request, "profile", _("我的账号"), form=form, levels=RealNameLevel)
    return render(request, "identity/account.html", context)


@login_required_resume
def realname(request: HttpRequest) -> HttpResponse:
    person = selectors.person_for_user(user=_user(request))
    if person is None:
        raise Http404
    registry_form = RegistryCheckForm(request.POST if request.POST.get("step") == "registry" else None)
    face_form = FaceForm(request.POST if request.POST.get("step") == "face" else None)
    if request.method == "POST" and request.POST.get("step") == "registry" and registry_form.is_valid():
        try:
            services.realname_verify_registry(
                person=person,
                id_number=registry_form.cleaned_data["id_number"],
                name=registry_form.cleaned_data["name"],
            )
        except DomainError as exc:
            registry_form.add_domain_error(exc)
        else:
            messages.success(request, _("实名核验通过，您的实名等级已升为 L2。"))
            return redirect("identity:realname")
    if request.method == "POST" and request.POST.get("step") == "face" and face_form.is_valid():
        try:
            services.realname_verify_face(person=person, capture="demo-consent")
        except DomainError as exc:
            face_form.add_domain_error(exc)
        else:
            messages.success(request, _("人脸核验通过，您的实名等级已升为 L3。"))
            return redirect("identity:realname")
    person.refresh_from_db()
    context = _account_context(
        request,
        "realname",
        _("实名认证"),
        registry_form=registry_form,
        face_form=face_form,
        demo_face=settings.PLUGINS.get("face_verifier") == "demo-face",
        demo_registry=settings.PLUGINS.get("registry_check") == "demo-registry",
    )
    context["person"] = person
    return render(request, "identity/realname.html", context)


def _delegation_form(request: HttpRequest) -> DelegationForm:
    if request.method == "POST":
        return DelegationForm(request.POST)
    return DelegationForm(initial=resumed_form_data(request))


def _grant(request: HttpRequest, form: DelegationForm, principal: Any) -> bool:
    if not form.is_valid():
        return False
    try:
        services.delegation_grant(
            principal=principal,
            agent_id_number=form.cleaned_data["agent_id_number"],
            agent_name=form.cleaned_data["agent_name"],
            item_codes=form.cleaned_data["item_codes"],
            valid_until=form.valid_until_datetime(),
            granted_by=_user(request),
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return False
    messages.success(request, _("授权已生效，被授权人会收到站内信。"))
    return True


@login_required_resume
def delegations(request: HttpRequest) -> HttpResponse:
    person = selectors.person_for_user(user=_user(request))
    if person is None:
        raise Http404
    form = _delegation_form(request)
    if request.method == "POST" and _grant(request, form, person):
        return redirect("identity:delegations")
    context = _account_context(
        request,
        "delegations",
        _("亲友代办授权"),
        form=form,
        given=selectors.delegation_list_for_person(person=person, direction="given"),
        received=selectors.delegation_list_for_person(person=person, direction="received"),
    )
    return render(request, "identity/delegations.html", context)


@require_POST
@login_required_resume
def delegation_revoke(request: HttpRequest, delegation_id: UUID) -> HttpResponse:
    try:
        delegation = selectors.delegation_get_for_principal(actor=_user(request), delegation_id=delegation_id)
    except NotFound:
        raise Http404 from None
    try:
        services.delegation_revoke(delegation=delegation, by=_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("授权已撤销。"))
    if delegation.principal_enterprise_id:
        return redirect("identity:enterprise", enterprise_id=delegation.principal_enterprise_id)
    return redirect("identity:delegations")


@login_required_resume
def enterprises(request: HttpRequest) -> HttpResponse:
    person = selectors.person_for_user(user=_user(request))
    items = list(selectors.enterprise_list_for_representative(person=person)) if person else []
    context = _account_context(request, "enterprises", _("我的企业"), enterprises=items)
    return render(request, "identity/enterprises.html", context)


@login_required_resume
def enterprise(request: HttpRequest, enterprise_id: UUID) -> HttpResponse:
    try:
        ent = selectors.enterprise_get_for_representative(actor=_user(request), enterprise_id=enterprise_id)
    except NotFound:
        raise Http404 from None
    form = _delegation_form(request)
    if request.method == "POST" and _grant(request, form, ent):
        return redirect("identity:enterprise", enterprise_id=ent.pk)
    context = _account_context(
        request,
        "enterprises",
        ent.name,
        enterprise=ent,
        form=form,
        given=selectors.delegation_list_for_enterprise(enterprise=ent, actor=_user(request)),
    )
    return render(request, "identity/enterprise.html", context)


@login_required_resume
def login_history(request: HttpRequest) -> HttpResponse:
    context = _account_context(
        request, "logins", _("登录记录"), events=selectors.login_history(user=_user(request), limit=50)
    )
    return render(request, "identity/login_history.html", context)


@login_required_resume
def messages_view(request: HttpRequest) -> HttpResponse:
    context = _account_context(request, "messages", _("站内信"), inbox=selectors.message_list(user=_user(request)))
    return render(request, "identity/messages.html", context)


@require_POST
@login_required_resume
def message_read(request: HttpRequest, message_id: UUID) -> HttpResponse:
    try:
        message = selectors.message_get_for_user(user=_user(request), message_id=message_id)
    except NotFound:
        raise Http404 from None
    services.message_mark_read(message=message, user=_user(request))
    return redirect("identity:messages")


@login_required_resume
def person_detail(request: HttpRequest, person_id: UUID) -> HttpResponse:
    """A person's record: the person themself, or staff who serve citizens (audited). Anyone else: 404."""
    try:
        person: Person = selectors.person_get_for_actor(actor=_user(request), person_id=person_id)
    except NotFound:
        raise Http404 from None
    context = _account_context(request, "profile", person.name, subject=person)
    return render(request, "identity/person.html", context)


# --- back office --------------------------------------------------------------------------------

ROLE_DUTIES: dict[str, Any] = {
    Role.CLERK: gettext_lazy("在综合窗口代申请人受理办件：核对材料，一次性告知缺少的材料，受理或不予受理。"),
    Role.REVIEWER: gettext_lazy("审查本部门受理的办件，在承诺时限内作出决定并出具结果。"),
    Role.SUPERVISOR: gettext_lazy("关注办件时限，督办超期和被投诉的办件，跟进差评整改。"),
    Role.STEWARD: gettext_lazy("发布本部门的数据共享目录，审批有条件共享申请。"),
    Role.AGENT_12345: gettext_lazy("接听12345热线，解答咨询，边问边办代为发起申请。"),
    Role.OPERATOR: gettext_lazy("维护事项目录、一件事、政策、工作日历和系统集成。"),
    Role.AUDITOR: gettext_lazy("查阅审计日志并核验其完整性；只读，不能修改任何数据。"),
}


@staff_required
def backoffice(request: HttpRequest) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    tasks: list[dict[str, str]] = []
    if staff.has_role(Role.OPERATOR):
        tasks.append(
            {
                "title": _("事项目录管理"),
                "url": reverse("catalog:manage"),
                "text": _("维护政务服务事项、办事指南、申请材料与办理时限。"),
            }
        )
    if staff.has_role(Role.STEWARD) or staff.has_role(Role.OPERATOR):
        tasks.append(
            {
                "title": _("数据资源目录"),
                "url": reverse("registry:elements"),
                "text": _("查看各部门申报的数据项：所属部门、共享类型、更新周期、法律依据和敏感级别。"),
            }
        )
    if staff.has_role(Role.STEWARD) and staff.department:
        tasks.append(
            {
                "title": _("共享审核"),
                "url": reverse("exchange:worklist"),
                "text": _(
                    "审核其他部门的数据共享申请（10 个工作日内答复，红黄牌提醒），管理共享授权，批量导入本部门数据。"
                ),
            }
        )
    if staff.department and staff.has_role(Role.CLERK):
        tasks.append(
            {
                "title": _("一窗受理"),
                "url": reverse("cases:window"),
                "text": _("按身份证号查找办事人的办件，受理、不予受理或出具一次性告知书（PDF），处理待受理队列。"),
            }
        )
    if staff.department and (staff.has_role(Role.REVIEWER) or staff.has_role(Role.CLERK)):
        tasks.append(
            {
                "title": _("办件审批"),
                "url": reverse("cases:worklist"),
                "text": _("本部门在办的办件按办结期限排列：审查、特别程序、准予或不予、送达结果、答复督办。"),
            }
        )
    if staff.department or staff.has_role(Role.SUPERVISOR):
        tasks.append(
            {
                "title": _("差评整改"),
                "url": reverse("feedback:rectifications"),
                "text": _("核实差评、回访评价人，在 5 个工作日内（复杂情形 15 个）整改并答复；逾期转督办。"),
            }
        )
    if staff.has_role(Role.SUPERVISOR):
        tasks.append(
            {
                "title": _("效能督办"),
                "url": reverse("cases:supervision"),
                "text": _("临近到期和已超期的办件、各部门按期办结率；对办件发出督办并查看答复。"),
            }
        )
    if staff.department:
        tasks.append(
            {
                "title": _("申请数据共享"),
                "url": reverse("exchange:request_new"),
                "text": _("向数据所属部门申请有条件共享的数据项，查看本部门的申请和调用计量。"),
            }
        )
    if any(staff.has_role(r) for r in (Role.OPERATOR, Role.STEWARD, Role.SUPERVISOR, Role.AUDITOR)):
        tasks.append(
            {
                "title": _("回填率"),
                "url": reverse("backfill:page"),
                "text": _("按日、周、月查看各表单、事项和部门的回填率：共享数据自动填入的字段占展示字段的比例。"),
            }
        )
    if staff.has_role(Role.AUDITOR):
        tasks.append(
            {
                "title": _("审计日志"),
                "url": reverse("identity:audit"),
                "text": _("查看最近的数据使用与操作记录，并核验哈希链是否完整。"),
            }
        )
    roles = [
        {"code": r, "label": Role(r).label, "duty": ROLE_DUTIES.get(r, "")} for r in staff.roles if r in Role.values
    ]
    context = {"staff": staff, "tasks": tasks, "roles": roles, "breadcrumbs": _crumbs((_("工作台"), ""))}
    return render(request, "identity/backoffice.html", context)


@staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    try:
        overview = selectors.audit_overview(actor=request.staff)  # type: ignore[attr-defined]
    except NotFound:
        raise Http404 from None
    context = {
        "overview": overview,
        "breadcrumbs": _crumbs((_("工作台"), reverse("identity:backoffice")), (_("审计日志"), "")),
    }
    return render(request, "identity/audit.html", context)
