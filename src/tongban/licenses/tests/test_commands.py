from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from tongban.licenses import services
from tongban.licenses.codes import LicenceState, ValidityKind
from tongban.licenses.tests.factories import LicenceTypeFactory, business_fields


def test_the_daily_run_expires_licences_past_their_date(amr, reviewer, firm):
    fixed = LicenceTypeFactory(code="11100000000013338W101", department=amr, validity_kind=ValidityKind.PER_LICENCE)
    today = timezone.localdate()
    licence = services.licence_issue(
        licence_type=fixed, holder=firm, number="F1", fields=business_fields(), actor=reviewer,
        valid_from=today - timedelta(days=9), valid_until=today - timedelta(days=1),
    )  # fmt: skip
    out = StringIO()
    call_command("licenses", "expire", stdout=out)
    licence.refresh_from_db()
    assert licence.state == LicenceState.EXPIRED and "expired 1" in out.getvalue()


def test_check_says_the_seal_backend_is_ready(db):
    out = StringIO()
    call_command("licenses", "check", stdout=out)
    assert "ed25519" in out.getvalue()
