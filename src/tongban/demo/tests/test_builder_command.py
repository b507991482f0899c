"""Building the demo city with the command: all or nothing, once, and only in demo mode (each test builds its own,
so none can run beside the module-wide city of test_builder.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tongban.demo import builder
from tongban.demo.builder import ALL_ACCOUNTS, DEMO_PASSWORD, city_exists, demo_build
from tongban.identity.models import Person, User

SMALL = {"persons": 80, "enterprises": 16}


def test_a_failed_build_leaves_nothing_behind(db, fast_hashing, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("registry down")

    monkeypatch.setattr(builder, "oidc_client_register", broken)
    with pytest.raises(RuntimeError):
        demo_build(seed=11, **SMALL)
    assert not city_exists()
    assert Person.objects.count() == 0 and User.objects.count() == 0


def test_the_command_builds_once_then_only_prints_the_accounts(db, fast_hashing):
    out = StringIO()
    call_command("demo", "--persons", "60", "--enterprises", "10", stdout=out)
    text = out.getvalue()
    assert "示范市已建成" in text and "打开 http://127.0.0.1:8000" in text
    for account in ALL_ACCOUNTS:
        assert account.username in text
    assert DEMO_PASSWORD in text
    people = Person.objects.count()

    again = StringIO()
    call_command("demo", stdout=again)
    assert "示范市已存在" in again.getvalue() and "citizen" in again.getvalue()
    assert Person.objects.count() == people


def test_the_command_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="演示模式"):
        call_command("demo", stdout=StringIO())
    assert not city_exists()
