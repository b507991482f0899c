"""The /api/v1 django-ninja API: one instance, routers from each app, problem+json errors."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tongban.bundles.api import router as bundles_router
from tongban.cases.api import router as cases_router
from tongban.catalog.api import router as catalog_router
from tongban.core import outage
from tongban.core.errors import DomainError, NotFound
from tongban.core.problems import problem_from_error, problem_response
from tongban.exchange.api import router as exchange_router
from tongban.forms.api import router as forms_router
from tongban.identity.api import router as identity_router
from tongban.licenses.api import router as licenses_router

api = NinjaAPI(
    title="Tongban 通办 API",
    version="1",
    description="一体化在线政务服务平台开放接口。Errors are RFC 9457 application/problem+json.",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem_from_error(request, exc)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_from_error(request, NotFound())


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_from_error(request, outage.service_unavailable(exc))


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(
        status=422,
        code="invalid_input",
        title_zh="请求参数有误",
        title_en="The request parameters are not valid",
        request=request,
        errors=exc.errors,
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        status=401, code="unauthenticated", title_zh="请先登录", title_en="Authentication required", request=request
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(
        status=exc.status_code, code="http_error", title_zh=str(exc), title_en=str(exc), request=request
    )


api.add_router("/", catalog_router)
api.add_router("/", identity_router)
api.add_router("/", exchange_router)
api.add_router("/", forms_router)
api.add_router("/", licenses_router)
api.add_router("/", cases_router)
api.add_router("/", bundles_router)
