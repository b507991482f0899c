"""Factories for the registry: data elements owned by a department."""

from __future__ import annotations

import factory

from tongban.identity.tests.factories import DepartmentFactory
from tongban.registry.models import DataElement


class DataElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataElement

    code = factory.Sequence(lambda n: f"P.TEST_{n:04d}")
    name = factory.Sequence(lambda n: f"测试数据项{n}")
    name_en = factory.Sequence(lambda n: f"Test element {n}")
    value_type = "text"
    owner = factory.SubFactory(DepartmentFactory)
    sharing_class = "open"
    update_cycle = "daily"
    legal_basis = "《测试条例》"
    sensitivity = 2
    subject_kind = "person"
