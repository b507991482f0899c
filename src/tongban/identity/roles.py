"""Roles from DESIGN §1."""

from django.db import models


class Role(models.TextChoices):
    CLERK = "clerk", "综合窗口 Window clerk"
    REVIEWER = "reviewer", "审批人员 Reviewer"
    SUPERVISOR = "supervisor", "效能督办 Supervisor"
    STEWARD = "steward", "数据管理员 Data steward"
    AGENT_12345 = "agent_12345", "12345 坐席 Hotline agent"
    OPERATOR = "operator", "平台运营 Operator"
    AUDITOR = "auditor", "审计员 Auditor"


class RealNameLevel(models.IntegerChoices):
    L1 = 1, "L1 注册 Registered"
    L2 = 2, "L2 实名核验 ID verified"
    L3 = 3, "L3 人脸/现场核验 Face or in-person verified"
