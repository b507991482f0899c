"""Run every bench/bench_*.py module's `run()` in turn (or the ones named on the command line)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import django


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.settings")
    django.setup()
    here = Path(__file__).parent
    names = argv or sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    from bench import _register

    try:
        for name in names:
            module = importlib.import_module(f"bench.bench_{name}")
            module.run()
    finally:
        _register.cleanup()  # the register database the benches share, unless BENCH_REGISTER_KEEP=1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
