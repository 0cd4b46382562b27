"""A web process settles once its application is loaded (config/startup.py): what it loaded is
set aside from the garbage collector, so no request pays for walking it."""

import subprocess
import sys

PROBE = """
import gc, os, time
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import config.wsgi
frozen = gc.get_freeze_count()
started = time.perf_counter()
gc.collect()
print(frozen, len(gc.get_objects()), round((time.perf_counter() - started) * 1000, 1))
"""


def test_a_loaded_web_process_has_its_startup_objects_frozen():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    frozen, tracked = int(out[0]), int(out[1])
    assert frozen > 100_000, out  # Django, Wagtail, the models and the URLs
    assert tracked < frozen / 4, out  # what a full collection still walks
