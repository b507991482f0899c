"""The demo city's bundles, published through the bundles service (so each is checked as an operator's is)."""

from __future__ import annotations

from collections.abc import Callable

from tongban.bundles.schema import BundleSpec
from tongban.bundles.services import bundle_import
from tongban.demo.content.bundles import BUNDLES


def bundles_load(*, tick: Callable[[int, int], None]) -> int:
    """Publish every demo bundle; returns how many."""
    for done, raw in enumerate(BUNDLES, start=1):
        bundle_import(spec=BundleSpec.model_validate(raw), actor="system:demo")
        tick(done, len(BUNDLES))
    return len(BUNDLES)
