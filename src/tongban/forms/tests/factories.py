"""Factories for forms: a published form version for an item, and finished submissions (for backfill figures)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import factory
from django.utils import timezone

from tongban.catalog.models import Implementation, Item
from tongban.catalog.tests.factories import DepartmentFactory, UserFactory
from tongban.forms.models import FormDefinition, FormVersion, Submission
from tongban.identity.tests.factories import PersonFactory

SIMPLE_SCHEMA: dict[str, Any] = {
    "subject": "person",
    "pages": [{"key": "main", "title": "申请信息", "title_en": "Application"}],
    "fields": [{"key": "phone", "type": "phone", "label": "联系电话", "label_en": "Contact phone"}],
}


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    basic_code = factory.Sequence(lambda n: f"F{n:05d}")
    name = factory.Sequence(lambda n: f"表单测试事项{n}")
    name_en = factory.Sequence(lambda n: f"Form test item {n}")
    item_type = "20"


class ImplementationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Implementation

    item = factory.SubFactory(ItemFactory)
    department = factory.SubFactory(DepartmentFactory)


class FormDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormDefinition

    item = factory.SubFactory(ItemFactory)
    name = factory.LazyAttribute(lambda o: f"{o.item.name}申请表")


class FormVersionFactory(factory.django.DjangoModelFactory):
    """A version row as stored; services.form_publish is what checks a schema (use it in service tests)."""

    class Meta:
        model = FormVersion

    definition = factory.SubFactory(FormDefinitionFactory)
    number = factory.Sequence(lambda n: n + 1)
    schema = factory.LazyFunction(lambda: dict(SIMPLE_SCHEMA))
    content_hash = factory.LazyAttribute(lambda o: hashlib.sha256(json.dumps(o.schema).encode()).hexdigest())


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    number = factory.Sequence(lambda n: f"SQ{timezone.localdate():%Y%m%d}{n:06d}")
    implementation = factory.SubFactory(ImplementationFactory)
    version = factory.SubFactory(FormVersionFactory, definition__item=factory.SelfAttribute("...implementation.item"))
    item_code = factory.LazyAttribute(lambda o: o.implementation.item.basic_code)
    department = factory.LazyAttribute(lambda o: o.implementation.department)
    user = factory.SubFactory(UserFactory)
    agent = factory.SubFactory(PersonFactory)
    subject_person = factory.LazyAttribute(lambda o: o.agent)
    fields_shown = 10
    fields_prefilled = 7
    submitted_at = factory.LazyFunction(timezone.now)
