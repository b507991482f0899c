"""Past online applications of the demo city, so the backfill rate (回填率) has a history to chart.

Each one is worked out by the forms engine itself for a real demo resident or business: the fields a
department may read and the registry holds are shared, the rest are answered by a seeded generator and
checked like typed answers; the counts stored are what form_state says was shown and prefilled. They are
entered as window applications (一窗受理) by the demo clerk over the last 120 days. Historical rows only:
no hub reads are metered or audited for them, since none happened.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from tongban.catalog.models import Implementation
from tongban.core.errors import InvalidInput
from tongban.demo.content.form_parts import TIME_OF_DAY
from tongban.demo.content.regions import DISTRICTS
from tongban.demo.numbers import resident_id_make
from tongban.exchange.selectors import grant_denials
from tongban.forms import selectors
from tongban.forms.fieldvalues import field_clean
from tongban.forms.models import Channel, FormVersion, Submission
from tongban.forms.schema import FieldSpec, FormSchema
from tongban.forms.services import shared_snapshot
from tongban.forms.state import COLLECTED, SHARED, binding, form_state
from tongban.identity.models import Enterprise, Person, User
from tongban.registry.models import DataElement
from tongban.registry.selectors import profile_values

TZ = ZoneInfo("Asia/Shanghai")
DAYS = 120
PER_FORM = 60
STREETS = ("人民大道", "滨河路", "市民大道", "科技园路", "旧城路", "新港路")


def _answer(spec: FieldSpec, rng: random.Random) -> str:
    if spec.type in ("choice", "boolean"):
        return rng.choice(list(spec.choices) if spec.type == "choice" else ["true", "false"])
    if spec.type == "date":
        return (timezone.localdate() - timedelta(days=rng.randint(0, 365))).isoformat()
    if spec.type in ("integer", "decimal"):
        low = int(spec.min or 0)
        high = int(min(spec.max or low + 10, low + 10 if spec.type == "integer" else low + 5000))
        return str(rng.randint(max(low, 1), max(high, 1)))
    if spec.type == "phone":
        return f"139{rng.randint(0, 10**8 - 1):08d}"
    if spec.type == "id_number":  # someone not in the city's registers (a seller, a new employee)
        born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 40 * 365))
        return resident_id_make(region=rng.choice(DISTRICTS)[0], birth_date=born, sequence=rng.randint(0, 999))
    if spec.pattern == TIME_OF_DAY:
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    if spec.pattern == r"\d{12,19}":
        return "".join(rng.choice("0123456789") for _ in range(16))
    if spec.pattern == r"H\d{5}":
        return f"H{rng.randint(0, 99999):05d}"
    if spec.pattern == r"[A-Z]\d{8}":
        return f"S{rng.randint(0, 10**8 - 1):08d}"
    return f"示范市{rng.choice(STREETS)}{rng.randint(1, 300)}号"


def _one(schema: FormSchema, subjects: dict[str, Any], consumer: Any, rng: random.Random) -> dict[str, Any] | None:
    codes = sorted({f.element for f in schema.fields if f.bound})
    elements = list(DataElement.objects.filter(code__in=codes).select_related("owner"))
    denied = set(grant_denials(consumer=consumer, elements=elements))
    shared = {}
    for role, subject in subjects.items():
        wanted = [f.element for f in schema.fields if f.bound and f.role == role and f.element not in denied]
        for code, value in profile_values(subject=subject, element_codes=wanted).items():
            shared[f"{role}:{code}"] = value
    answers: dict[str, str] = {}
    for spec in schema.fields:
        if binding(spec) not in shared:
            answers[spec.key] = _answer(spec, rng)
    states = form_state(schema=schema, answers=answers, shared=shared, unavailable={}, disputes={},
                        age=selectors.subject_age(subjects["subject"]))  # fmt: skip
    visible = [s for s in states.values() if s.visible]
    try:
        collected = {s.key: field_clean(s.spec, s.text) for s in visible if s.mode == COLLECTED}
    except InvalidInput:
        return None
    snapshot = {
        s.key: shared_snapshot(spec=s.spec, value=s.shared)
        for s in visible
        if s.mode == SHARED and s.shared is not None
    }
    return {
        "answers": collected, "shared": snapshot, "fields_shown": len(visible), "fields_prefilled": len(snapshot),
        "self_declared": [s.key for s in visible if s.mode == COLLECTED and s.spec.bound],
    }  # fmt: skip


def applications_load(*, seed: int, tick: Callable[[int, int], None]) -> int:
    """Create past window applications for every demo form; returns how many."""
    rng = random.Random(seed + 4)
    clerk = User.objects.get(username="clerk")
    versions = list(FormVersion.objects.filter(current=True).select_related("definition__item"))
    persons = list(Person.objects.order_by("id_number"))
    businesses = list(
        Enterprise.objects.filter(legal_representative__isnull=False).select_related("legal_representative")
    )
    now = timezone.now()
    rows: list[Submission] = []
    for done, version in enumerate(versions, start=1):
        schema = selectors.schema_for(version)
        implementation = Implementation.objects.select_related("department", "item").get(item=version.definition.item)
        enterprise_form = selectors.subject_kind_of(version.schema) == "enterprise"
        pool: list[Any] = businesses if enterprise_form else persons
        for subject in rng.sample(pool, min(PER_FORM, len(pool))):
            agent = subject.legal_representative if enterprise_form else subject
            made = _one(schema, {"subject": subject, "agent": agent}, implementation.department, rng)
            if made is None:
                continue
            day = timezone.localdate(now) - timedelta(days=rng.randint(0, DAYS - 1))
            at = datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=TZ)
            rows.append(Submission(
                number=f"SQ{day:%Y%m%d}{len(rows) + 1:06d}", version=version, implementation=implementation,
                item_code=implementation.item.basic_code, department=implementation.department, user=clerk,
                agent=agent, subject_person=None if enterprise_form else subject,
                subject_enterprise=subject if enterprise_form else None, channel=Channel.WINDOW,
                submitted_at=min(at, now), **made,
            ))  # fmt: skip
        tick(done, len(versions))
    Submission.objects.bulk_create(rows, batch_size=500)
    return len(rows)
