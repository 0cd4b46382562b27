"""The publish generation after a database is restored from a backup (or a replica promoted):
the rows go back, the generation with them, and the memo's store keeps what it held. The next
publish must not land on a generation the store already holds values for, computed from the
rows the restore undid (a counter would count on to exactly those)."""

from pagecache.models import PublishGeneration
from publications.models import CommentaryPage

from .conftest import render, unmemoised

LISTING = "/publications/"


def generation():
    return PublishGeneration.objects.get(pk=1).value


def test_a_publish_after_a_restore_never_reads_what_the_undone_rows_left(
    newsroom, memo_on, committed
):
    page = newsroom["japan_security"]
    with committed():
        page.save_revision().publish()  # the backup is taken here
    backup = {"generation": generation(), "title": page.title}
    render(LISTING)

    page.title = "Japan security, revised after the backup"
    with committed():
        page.save_revision().publish()
    render(LISTING)  # kept under the generation after the backup
    assert b"revised after the backup" in render(LISTING)

    # The restore: the rows as they were, the store as it is.
    PublishGeneration.objects.filter(pk=1).update(value=backup["generation"])
    CommentaryPage.objects.filter(pk=page.pk).update(title=backup["title"])
    other = newsroom["joint"]
    with committed():
        other.save_revision().publish()  # the first publish after the restore

    after = render(LISTING)
    assert b"revised after the backup" not in after, "a value of the undone rows was served"
    assert after == unmemoised(LISTING)
