"""The demo city's online application forms and the grants that let their departments prefill them."""

from __future__ import annotations

from collections.abc import Callable

from tongban.catalog.selectors import item_get_by_basic_code
from tongban.demo.content.forms import FORM_GRANTS, FORMS
from tongban.exchange.services import sharing_request_decide, sharing_request_submit
from tongban.forms.services import form_publish
from tongban.identity.models import Staff


def forms_load(*, tick: Callable[[int, int], None]) -> int:
    """Publish every demo form and the grants behind it; returns the number of forms."""
    total = len(FORMS) + len(FORM_GRANTS)
    for done, (code, schema) in enumerate(FORMS.items(), start=1):
        form_publish(item=item_get_by_basic_code(code), schema=schema, actor="system:demo")
        tick(done, total)
    steward = Staff.objects.get(user__username="steward")
    for done, (username, codes, purpose) in enumerate(FORM_GRANTS, start=len(FORMS) + 1):
        staff = Staff.objects.select_related("department").get(user__username=username)
        request = sharing_request_submit(staff=staff, element_codes=codes, purpose=purpose, period_days=365)
        sharing_request_decide(staff=steward, request_id=request.pk, approve=True, reason="用于网上申请预填，同意共享")
        tick(done, total)
    return len(FORMS)
