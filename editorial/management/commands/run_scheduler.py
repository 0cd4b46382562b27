import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from editorial.scheduler import run_once


class Command(BaseCommand):
    help = "Publish scheduled pages and unpublish expired ones; runs until stopped (or --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=30, help="seconds between passes")

    def handle(self, *args, once, interval, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        self.stdout.write(f"Scheduler running (every {interval:g}s).")
        while True:
            close_old_connections()  # never reuse a connection the database dropped
            result = run_once()
            if any(result.values()):
                self.stdout.write(
                    f"published {result['published']}, unpublished {result['expired']}"
                )
            if once or stopping:
                return
            for _ in range(int(interval * 10)):
                if stopping:
                    return
                time.sleep(0.1)
