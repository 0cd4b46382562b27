"""What the listing reads instead of evaluating the visibility rule over every commentary on each
request: the commentaries readers see in it (`ListedCommentary`) and the unfiltered listing's
counts (`FacetTotal`). At 100,000 commentaries, four grouped counts and a total over the rule
took most of a second; read from the totals, one query; filtered, the rows of `ListedCommentary`
stand for the rule.

Kept the way purges are (pagecache.purge): a change that can alter a count records what it
made stale (`StaleFacetTotal`) in its own transaction, from the model signals below (a page
saved or deleted, a byline or tag row written, a view restriction, a vocabulary entry removed);
after the commit those values are counted again (`refresh`). Whoever reads the totals first
counts what is still stale, so a refresh lost to a crash costs a reader a few milliseconds,
never a wrong count. A commentary's values are recorded as they were before the change and
counted as they are after it; a section page's change counts everything again.

Both are the one rule of what readers see (`visible_to_readers`), evaluated for the
commentaries a change touched (and their aliases) or, after a section's change, for all.
"""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from wagtail.models import Page, PageViewRestriction

from core.facets import MAX_OPTIONS
from editorial.visibility import visible_to_readers
from experts.models import ExpertPage
from taxonomy.models import Competence, Region

from .models import (
    Byline,
    CommentaryCompetence,
    CommentaryPage,
    CommentaryRegion,
    FacetTotal,
    ListedCommentary,
    PublicationIndexPage,
    StaleFacetTotal,
)

ALL = "all"  # value 0: every visible commentary of the listing; as a stale kind: everything
COMMENTARY = "commentary"  # stale kind: the values a commentary has when counted
EXPERT, REGION, COMPETENCE, YEAR = "expert", "region", "competence", "year"
FACETS = (EXPERT, REGION, COMPETENCE, YEAR)
TAGS = {REGION: (Region, CommentaryRegion), COMPETENCE: (Competence, CommentaryCompetence)}
LOCK = 0x61676F7261  # PostgreSQL advisory lock: one refresh at a time


def visible_commentaries(listing):
    """The rule itself: what the listing's rows must hold."""
    return visible_to_readers(CommentaryPage.objects.child_of(listing)).order_by()


def listed(listing):
    """The listing's commentaries as its rows hold them (fresh once `ensure_fresh` ran)."""
    rows = ListedCommentary.objects.filter(listing=listing).values("commentary_id")
    return CommentaryPage.objects.filter(pk__in=rows)


def visible_experts():
    return visible_to_readers(ExpertPage.objects.all()).order_by()


def values_of(commentary_ids):
    """{facet: set of value ids} the commentaries carry, as the database has them now."""
    ids = list(commentary_ids)
    values = defaultdict(set)
    if not ids:
        return values
    values[EXPERT].update(
        Byline.objects.filter(commentary_id__in=ids).values_list("expert_id", flat=True)
    )
    for facet, (_, through) in TAGS.items():
        rows = through.objects.filter(content_object_id__in=ids).values_list("tag_id", flat=True)
        values[facet].update(rows)
    dates = CommentaryPage.objects.filter(pk__in=ids).values_list("date", flat=True)
    values[YEAR].update(date.year for date in dates if date)
    return values


def counts(listing, facet, ids=None, commentaries=None):
    """{value id: visible commentaries of the listing carrying it}, for these ids or all;
    counted over the listing's rows unless `commentaries` is given."""
    if commentaries is None:
        commentaries = listed(listing)
    commentaries = commentaries.order_by()
    if facet == ALL:
        return {0: commentaries.count()}
    if facet == EXPERT:
        rows = Byline.objects.filter(
            commentary__in=commentaries.values("pk"), expert__in=visible_experts().values("pk")
        )
        if ids is not None:
            rows = rows.filter(expert_id__in=ids)
        rows = rows.values("expert_id").annotate(n=Count("commentary_id", distinct=True))
        return {row["expert_id"]: row["n"] for row in rows.order_by()}
    if facet == YEAR:
        if ids is not None:
            commentaries = commentaries.filter(date__year__in=ids)
        rows = commentaries.annotate(year=ExtractYear("date")).values("year")
        return {row["year"]: row["n"] for row in rows.annotate(n=Count("pk")).order_by()}
    _, through = TAGS[facet]
    rows = through.objects.filter(content_object__in=commentaries.values("pk"))
    if ids is not None:
        rows = rows.filter(tag_id__in=ids)
    rows = rows.values("tag_id").annotate(n=Count("pk")).order_by()  # unique per pair
    return {row["tag_id"]: row["n"] for row in rows}


def store(listing, facet, found, ids=None):
    """Replace the stored totals of these ids (or all of the facet) by `found`."""
    old = FacetTotal.objects.filter(listing=listing, facet=facet)
    if ids is not None:
        old = old.filter(value__in=ids)
    old.delete()
    FacetTotal.objects.bulk_create(
        FacetTotal(listing=listing, facet=facet, value=value, count=n)
        for value, n in found.items()
        if n
    )


def lock():
    """Refreshes one at a time: one that counted before a commit must not store after one that
    counted after it. (SQLite's write transactions are IMMEDIATE: serialised already.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def refresh():
    """Count again what is stale; True if anything was."""
    with transaction.atomic():
        lock()
        stale = list(StaleFacetTotal.objects.values_list("pk", "kind", "value"))
        if not stale:
            return False
        wanted = defaultdict(set)
        everything = False
        commentaries = set()
        for _, kind, value in stale:
            if kind == ALL:
                everything = True
            elif kind == COMMENTARY:
                commentaries.add(value)
            else:
                wanted[kind].add(value)
        for facet, ids in values_of(commentaries).items():
            wanted[facet] |= ids
        if everything or commentaries:
            relist(None if everything else commentaries)
        for listing in PublicationIndexPage.objects.all():
            for facet in FACETS:
                ids = None if everything else wanted.get(facet)
                if everything or ids:
                    store(listing, facet, counts(listing, facet, ids), ids)
            store(listing, ALL, counts(listing, ALL))
        StaleFacetTotal.objects.filter(pk__in=[pk for pk, _, _ in stale]).delete()
    return True


def relist(commentary_ids=None):
    """Evaluate the rule again for these commentaries (None: all) and store who is listed: in
    one INSERT ... SELECT, since all of them is 100,000 rows after a section's change."""
    stale = ListedCommentary.objects.all()
    if commentary_ids is not None:
        stale = stale.filter(commentary_id__in=commentary_ids)
    stale.delete()
    table = ListedCommentary._meta.db_table
    for listing in PublicationIndexPage.objects.all():
        visible = visible_commentaries(listing)
        if commentary_ids is not None:
            visible = visible.filter(pk__in=commentary_ids)
        select, params = visible.values_list("pk", flat=True).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (commentary_id, listing_id) SELECT pk, %s FROM ({select}) s",  # noqa: S608 - our table, Django's SQL
                [listing.pk, *params],
            )
    if commentary_ids is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")  # its statistics described the old rows


def mark(kind, values):
    """Record, in the current transaction, totals a change made stale; counted after commit."""
    values = set(values)
    if not values:
        return
    StaleFacetTotal.objects.bulk_create(StaleFacetTotal(kind=kind, value=v) for v in values)
    # One change marks several times: the first callback counts, the others find nothing stale
    # (one query each). A failure is logged; the next reader counts.
    transaction.on_commit(ensure_fresh, robust=True)


def mark_commentary(pk):
    """Its values as they are now (before the change) and, when counted, as they will be; its
    aliases too (an alias is listed only while its source is visible)."""
    for facet, ids in values_of([pk]).items():
        mark(facet, ids)
    aliases = Page.objects.filter(alias_of_id=pk).values_list("pk", flat=True)
    mark(COMMENTARY, [pk, *aliases])


def mark_everything():
    mark(ALL, [0])


def ensure_fresh():
    """Count what is stale before reading the rows or totals (normally done after the commit
    already: one query)."""
    if StaleFacetTotal.objects.exists():
        refresh()


def site_commentaries():
    """What readers see of the commentaries, fresh: the listings' rows (the rule, evaluated
    when a change was counted). Commentaries live in the listing (`parent_page_types`)."""
    ensure_fresh()
    return CommentaryPage.objects.filter(pk__in=ListedCommentary.objects.values("commentary_id"))


def site_counts(*facets):
    """{facet: {value id: n}} over the listings' commentaries, fresh, in one query."""
    ensure_fresh()
    found = {facet: defaultdict(int) for facet in facets}
    rows = FacetTotal.objects.filter(facet__in=facets).values_list("facet", "value", "count")
    for facet, value, n in rows:
        found[facet][value] += n
    return found


def named(facet, found, in_use):
    """Rows like a facet's count query, {"value", "label", "n"}, for the counts `found` of the
    values `in_use` (a subquery: 2,000 expert ids as parameters took longer to send than the
    query took to run); hidden experts are left out."""
    if facet == YEAR:
        return [{"value": year, "n": n} for year, n in found.items()]
    if facet == EXPERT:
        names = visible_experts().filter(pk__in=in_use).values_list("pk", "slug", "title")
    else:
        tag_model, _ = TAGS[facet]
        names = tag_model.objects.filter(pk__in=in_use).values_list("pk", "slug", "name")
    return [
        {"value": slug, "label": label, "n": found[pk]} for pk, slug, label in names if pk in found
    ]


def busiest(facet, limit):
    """A tag facet's values on most of the listings' commentaries, as rows of slug, name and
    commentary_count, most first, then by name: what the listing's filters count."""
    found = site_counts(facet)[facet]
    in_use = FacetTotal.objects.filter(facet=facet).values("value")
    rows = [
        {"slug": row["value"], "name": row["label"], "commentary_count": row["n"]}
        for row in named(facet, found, in_use)
    ]
    return sorted(rows, key=lambda row: (-row["commentary_count"], row["name"]))[:limit]


class ListingTotals:
    """The rows and stored totals of one listing; the totals read in one query."""

    def __init__(self, listing):
        self.listing = listing
        self._by_facet = None
        self._fresh = False

    def ensure_fresh(self):
        if not self._fresh:
            ensure_fresh()
            self._fresh = True

    def commentaries(self):
        """The listing's commentaries (a lazy queryset: call ensure_fresh before reading it)."""
        return listed(self.listing)

    def by_facet(self):
        if self._by_facet is None:
            self.ensure_fresh()
            by_facet = defaultdict(dict)
            rows = FacetTotal.objects.filter(listing=self.listing)
            for facet, value, n in rows.values_list("facet", "value", "count"):
                by_facet[facet][value] = n
            self._by_facet = by_facet
        return self._by_facet

    def total(self):
        return self.by_facet()[ALL].get(0, 0)

    def rows(self, facet, selected=()):
        """Rows like a facet's count query: {"value", "label", "n"} per value in use. Of a facet
        with more values than a facet lists (2,000 experts), only those that can be listed are
        named: the selected ones (slugs) and those with as many commentaries as the last listed
        one; the rest, only counted, get no name (naming them was the listing's longest query)."""
        found = self.by_facet()[facet]
        if facet != EXPERT or len(found) <= MAX_OPTIONS:
            in_use = FacetTotal.objects.filter(listing=self.listing, facet=facet).values("value")
            return named(facet, found, in_use)
        least = sorted(found.values(), reverse=True)[MAX_OPTIONS - 1]
        listable = [pk for pk, n in found.items() if n >= least]
        names = visible_experts().filter(Q(pk__in=listable) | Q(slug__in=list(selected)))
        rows, seen = [], set()
        for pk, slug, title in names.values_list("pk", "slug", "title"):
            if pk in found:
                rows.append({"value": slug, "label": title, "n": found[pk]})
                seen.add(pk)
        unnamed = [
            {"value": f"unnamed-{pk}", "label": "", "n": n}
            for pk, n in found.items()
            if pk not in seen
        ]
        return rows + unnamed


# What makes a total stale. Draft saves (Wagtail saves them with `update_fields`) change
# nothing readers see and mark nothing.


def page_changed(page):
    """What this page counted for, as the database has it now."""
    model = page.specific_class
    if model is not None and issubclass(model, CommentaryPage):
        mark_commentary(page.pk)
    elif model is not None and issubclass(model, ExpertPage):
        mark(EXPERT, [page.pk])
    else:
        # A section: a move, restriction or unpublishing may hide or show what is below it.
        mark_everything()


def page_saving(sender, instance, update_fields=None, raw=False, **kwargs):
    """pre_save: a published, unpublished or moved page, before the change."""
    if raw or update_fields is not None or not isinstance(instance, Page):
        return
    if instance.pk is not None and not instance._state.adding:
        page_changed(instance)


def page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    """post_save: a commentary or expert after the change (a new one too); a new section holds
    nothing yet."""
    if raw or update_fields is not None or not isinstance(instance, Page):
        return
    model = instance.specific_class
    if model is not None and issubclass(model, CommentaryPage):
        mark(COMMENTARY, [instance.pk])
    elif model is not None and issubclass(model, ExpertPage):
        mark(EXPERT, [instance.pk])


def page_deleting(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.pk is not None:
        page_changed(instance)


def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark(EXPERT, [instance.expert_id])
        mark(COMMENTARY, [instance.commentary_id])


def tagging_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        facet = REGION if sender is CommentaryRegion else COMPETENCE
        mark(facet, [instance.tag_id])
        mark(COMMENTARY, [instance.content_object_id])


def restriction_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:  # else deleted with its page, which marked already
        page_changed(page)


def tag_removed(sender, instance, **kwargs):
    facet = REGION if sender is Region else COMPETENCE
    mark(facet, [instance.pk])


def connect():
    pre_save.connect(page_saving, dispatch_uid="totals-page-saving")
    post_save.connect(page_saved, dispatch_uid="totals-page-saved")
    pre_delete.connect(page_deleting, dispatch_uid="totals-page-deleting")
    for through in (Byline, CommentaryRegion, CommentaryCompetence):
        handler = byline_changed if through is Byline else tagging_changed
        post_save.connect(handler, sender=through, dispatch_uid=f"totals-{through.__name__}")
        post_delete.connect(handler, sender=through, dispatch_uid=f"totals-d-{through.__name__}")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="totals-priv")
    post_delete.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="totals-pub")
    for model in (Region, Competence):
        post_delete.connect(tag_removed, sender=model, dispatch_uid=f"totals-tag-{model.__name__}")
