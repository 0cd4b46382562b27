"""What the edge cache and the memo need the database to remember (see docs/performance.md).

Both live in the database, not in Redis, on purpose: they are written in the publishing
transaction, so they commit or roll back with the content they are about, and no cache outage
or cache restart can lose or rewind them.
"""

from django.db import models


class PublishGeneration(models.Model):
    """One row: a random number renewed in every transaction that changes what readers see.
    Memoised values are stored under the generation they were computed at, so a commit makes
    every older value unreachable at once, in every process; random, so that a restored
    database never goes on to a generation the store holds values for (pagecache.purge)."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"publish generation {self.value}"


class PendingPurge(models.Model):
    """Tags (and URLs) the caching proxy must drop, recorded with the change itself and deleted
    only once the proxy acknowledged the purge: an unreachable proxy delays it, never loses it."""

    tags = models.JSONField(default=list)
    urls = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"purge {', '.join(self.tags)} ({self.created:%Y-%m-%d %H:%M:%S})"
