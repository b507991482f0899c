"""Factories for the exchange: grants held by a consumer department."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tongban.exchange.models import Grant
from tongban.identity.tests.factories import DepartmentFactory


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    consumer = factory.SubFactory(DepartmentFactory)
    owner = factory.SubFactory(DepartmentFactory)
    element_codes = factory.LazyFunction(list)
    purpose = "测试用途"
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
