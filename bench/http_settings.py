"""Settings of the HTTP benches' server: the platform's own settings (from the environment, as in any
deployment) with a URLconf that adds the baseline endpoint, POST /bench/insert (bench/http_urls.py).

Used by the HTTP benches (bench/_http.py), which start gunicorn with DJANGO_SETTINGS_MODULE=bench.http_settings.
"""

from __future__ import annotations

import os

from tongban.conf.settings import *  # noqa: F403
from tongban.conf.settings import CACHES

ROOT_URLCONF = "bench.http_urls"

# Rate-limit counters of one bench run never meet another run's (or anyone else's) in a shared Redis.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "bench")
