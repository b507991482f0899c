"""Data elements and their values per subject, with provenance (一人一档 / 一企一档, DESIGN §2).

A value row is never changed except for its `current` and `conflict` flags: a new fact from a source
is a new row, so the history of every element stays readable.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from tongban.core.models import BaseModel
from tongban.identity.models import Department, Enterprise, Person


class ValueType(models.TextChoices):
    TEXT = "text", pgettext_lazy("value type", "文本")
    DATE = "date", pgettext_lazy("value type", "日期")
    INTEGER = "integer", pgettext_lazy("value type", "整数")
    DECIMAL = "decimal", pgettext_lazy("value type", "小数")
    BOOLEAN = "boolean", pgettext_lazy("value type", "是/否")
    CODE = "code", pgettext_lazy("value type", "代码")


class SharingClass(models.TextChoices):
    OPEN = "open", pgettext_lazy("sharing class", "无条件共享")
    CONDITIONAL = "conditional", pgettext_lazy("sharing class", "有条件共享")
    CLOSED = "closed", pgettext_lazy("sharing class", "不予共享")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", pgettext_lazy("update cycle", "实时")
    DAILY = "daily", pgettext_lazy("update cycle", "每日")
    MONTHLY = "monthly", pgettext_lazy("update cycle", "每月")
    IRREGULAR = "irregular", pgettext_lazy("update cycle", "不定期")


class Sensitivity(models.IntegerChoices):
    PUBLIC = 1, pgettext_lazy("sensitivity", "1级 公开")
    INTERNAL = 2, pgettext_lazy("sensitivity", "2级 内部")
    SENSITIVE = 3, pgettext_lazy("sensitivity", "3级 敏感")
    HIGHLY_SENSITIVE = 4, pgettext_lazy("sensitivity", "4级 高度敏感")


class SubjectKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("subject kind", "自然人")
    ENTERPRISE = "enterprise", pgettext_lazy("subject kind", "法人")


class TrustLevel(models.TextChoices):
    # Ordered: A beats B beats C beats D when sources disagree.
    A = "A", pgettext_lazy("trust level", "A 权威源头库")
    B = "B", pgettext_lazy("trust level", "B 业务办理产生")
    C = "C", pgettext_lazy("trust level", "C 其他部门转录")
    D = "D", pgettext_lazy("trust level", "D 本人申报")


class DataElement(BaseModel):
    """One fact the government holds about a person or an enterprise, owned by one department."""

    code = models.CharField(max_length=60, unique=True)  # e.g. P.HUKOU_ADDRESS
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200, blank=True)
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    pattern = models.CharField(max_length=200, blank=True)  # regular expression a text/code value must match
    choices = models.JSONField(default=dict, blank=True)  # code → label, for value_type "code"
    owner = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="data_elements")
    sharing_class = models.CharField(max_length=12, choices=SharingClass.choices)
    update_cycle = models.CharField(max_length=10, choices=UpdateCycle.choices)
    legal_basis = models.CharField(max_length=300, blank=True)
    sensitivity = models.PositiveSmallIntegerField(choices=Sensitivity.choices)
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    position = models.PositiveSmallIntegerField(default=0)  # order within its department's section (name first)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ElementValue(BaseModel):
    """A value of one element for one subject as one source reported it at one time."""

    # No single-column indexes on the subject keys: the partial (subject, element) indexes below lead with
    # them, and a full index of a column that is NULL on every other row only carries the NULLs.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    value = models.TextField()  # canonical text; see registry.values for the typed reading
    source_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    source_record_id = models.CharField(max_length=100, blank=True)
    as_of = models.DateTimeField()
    trust_level = models.CharField(max_length=1, choices=TrustLevel.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    # The winning value of its (subject, element): most authoritative trust level, then the latest as_of.
    current = models.BooleanField(default=False)
    # Set on the current row when another source's latest value for the same fact differs.
    conflict = models.BooleanField(default=False)

    class Meta:
        ordering = ["-as_of"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, enterprise__isnull=True)
                    | models.Q(person__isnull=True, enterprise__isnull=False)
                ),
                name="element_value_exactly_one_subject",
            ),
            models.UniqueConstraint(
                fields=["person", "element"],
                condition=models.Q(current=True, person__isnull=False),
                name="uniq_current_person_value",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "element"],
                condition=models.Q(current=True, enterprise__isnull=False),
                name="uniq_current_enterprise_value",
            ),
        ]
        indexes = [  # a subject's history of one element (and the cascade when a subject goes)
            models.Index(
                fields=["person", "element"], condition=models.Q(person__isnull=False), name="registry_value_person_idx"
            ),
            models.Index(
                fields=["enterprise", "element"],
                condition=models.Q(enterprise__isnull=False),
                name="registry_value_ent_idx",
            ),
        ]

    @property
    def subject_id(self) -> Any:
        return self.person_id or self.enterprise_id

    @property
    def typed(self) -> Any:
        from tongban.registry.values import value_typed

        return value_typed(self.element.value_type, self.value)
