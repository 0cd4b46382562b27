"""`make bench` only (scripts/bench.py): the production settings, plus the floor view of
config/bench_urls.py. Nothing in production loads this module."""

from .production import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"
