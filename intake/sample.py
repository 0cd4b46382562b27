"""Sample content for local browsing and load tests: `manage.py load_seed --sample N`.

N plausible commentaries and a proportionate pool of experts, with tags drawn from realistic,
skewed distributions. Everything comes from random generators seeded by the item's number, so
the same N always gives the same content, and a second run with the same N adds nothing
(items are recognised by slug). Kept apart from the test factories and from the product seed.

It must load 100,000 commentaries in minutes, so pages are written in bulk: the treebeard
materialised paths are computed here, the wagtailcore_page rows and the page-type rows
(multi-table inheritance) are inserted in batches the way Django's own save() inserts them,
then bylines and tag rows go in with bulk_create. No revisions are created (Wagtail serves and
edits a page without one) and the search index is not updated: run `manage.py update_index`.
"""

import datetime
import math
import random
import time
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils.text import slugify

from wagtail.models import Page

from experts.models import ExpertCompetence, ExpertIndexPage, ExpertPage, ExpertRegion
from publications import totals
from publications.models import (
    Byline,
    CommentaryCompetence,
    CommentaryPage,
    CommentaryRegion,
    PublicationIndexPage,
)
from taxonomy.models import Competence, Region

from .importer import vocabulary_tags
from .sample_text import (
    CITIES,
    COMPETENCES,
    FIRST_NAMES,
    LEADS,
    OUTLETS,
    POSITIONS,
    REGIONS,
    SENTENCES,
    SURNAMES,
    TITLES,
)

BATCH = 1000
FIRST_DATE = datetime.date(2005, 1, 1)
LAST_DATE = datetime.date(2025, 6, 30)
AUTHORS_PER_COMMENTARY = ((1, 70), (2, 22), (3, 8))  # (count, weight)


def expert_pool_size(n):
    """About one expert per 50 commentaries (2,000 for the 100,000 of the benchmark), at least
    8, at most the distinct names we have."""
    return min(max(8, round(n / 50)), len(FIRST_NAMES) * len(SURNAMES))


def zipf_weights(count, exponent=1.0):
    """A few very common items and a long tail, as tags and authorship are in practice."""
    return [1 / (rank + 1) ** exponent for rank in range(count)]


def cumulative(weights):
    total, running = 0, []
    for weight in weights:
        total += weight
        running.append(total)
    return running


def pick_distinct(rng, items, cum_weights, count):
    chosen = []
    while len(chosen) < min(count, len(items)):
        item = rng.choices(items, cum_weights=cum_weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def seeded(name):
    """A generator of its own per item: the same item always comes out the same."""
    return random.Random(name)  # noqa: S311 - sample content, not secrets


def deterministic_uuid(rng):
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Vocabulary:
    """A vocabulary's names in order of frequency, with their weights, for weighted picks."""

    def __init__(self, names, exponent):
        self.names = list(names)
        self.cum_weights = cumulative(zipf_weights(len(self.names), exponent))

    def pick(self, rng, count=1):
        return pick_distinct(rng, self.names, self.cum_weights, count)


REGION_VOCABULARY = Vocabulary(REGIONS, 0.9)
COMPETENCE_VOCABULARY = Vocabulary([name for name, _topic in COMPETENCES], 0.8)
TOPICS = dict(COMPETENCES)


def expert_spec(j):
    """The j-th sample expert: names are unique for j below len(FIRST_NAMES) * len(SURNAMES)."""
    rng = seeded(f"agora-sample-expert-{j}")
    first = FIRST_NAMES[j % len(FIRST_NAMES)]
    surname = SURNAMES[(j // len(FIRST_NAMES) + 7 * (j % len(FIRST_NAMES))) % len(SURNAMES)]
    city, country = rng.choice(CITIES)
    competences = COMPETENCE_VOCABULARY.pick(rng, rng.choice((1, 2, 2, 3)))
    regions = REGION_VOCABULARY.pick(rng, rng.choice((1, 1, 2)))
    if country in REGIONS and country not in regions:
        regions.append(country)
    topics = ", ".join(TOPICS[name] for name in competences)
    name = f"{first} {surname}"
    return {
        "title": name,
        "slug": slugify(name),
        "surname": surname,
        "position": rng.choice(POSITIONS),
        "location": f"{city}, {country}",
        "field_of_expertise": f"<p>{topics.capitalize()}; {', '.join(regions)}.</p>",
        "work_experience": (
            f"<p>{rng.randint(5, 30)} years of research on {TOPICS[competences[0]]}; "
            f"previously at the {rng.choice(OUTLETS)}.</p>"
        ),
        "competences": competences,
        "regions": regions,
        "translation_key": deterministic_uuid(rng),
    }


def commentary_spec(i, experts, expert_cum_weights):
    """The i-th sample commentary. Its title and slug depend on i alone, so a later run with a
    larger N recognises it; `experts` are expert specs with their page ids."""
    rng = seeded(f"agora-sample-commentary-{i}")
    region, other = REGION_VOCABULARY.pick(rng, 2)
    competence = COMPETENCE_VOCABULARY.pick(rng)[0]
    values = {"region": region, "region2": other, "topic": TOPICS[competence]}
    title = rng.choice(TITLES).format(**values)
    title = title[0].upper() + title[1:]
    slug = f"{slugify(title)[:70].rstrip('-')}-{i + 1}"
    # Recent years are busier: dates thin out towards the past.
    span = (LAST_DATE - FIRST_DATE).days
    date = LAST_DATE - datetime.timedelta(days=int(span * (1 - math.sqrt(rng.random()))))
    published = datetime.datetime.combine(date, datetime.time(8, 0), datetime.UTC)
    published += datetime.timedelta(minutes=rng.randrange(600))
    count = rng.choices(*zip(*AUTHORS_PER_COMMENTARY, strict=True))[0]
    authors = pick_distinct(rng, experts, expert_cum_weights, count)
    regions, competences = [region], [competence]
    for author in authors:  # authors write about what they know, some of the time
        if rng.random() < 0.4:
            regions.append(rng.choice(author["regions"]))
        if rng.random() < 0.3:
            competences.append(rng.choice(author["competences"]))
    if rng.random() < 0.25:
        regions.append(other)
    paragraphs = [
        " ".join(rng.choice(SENTENCES).format(**values) for _ in range(rng.randint(3, 5)))
        for _ in range(rng.randint(2, 4))
    ]
    return {
        "title": title,
        "slug": slug,
        "date": date,
        "published": published,
        "lead": rng.choice(LEADS).format(**values),
        "body": [
            {"type": "paragraph", "value": f"<p>{text}</p>", "id": str(deterministic_uuid(rng))}
            for text in paragraphs
        ],
        "source": rng.choice(OUTLETS) if rng.random() < 0.3 else "",
        "authors": authors,
        "regions": list(dict.fromkeys(regions)),
        "competences": list(dict.fromkeys(competences)),
        "translation_key": deterministic_uuid(rng),
    }


def encode_step(number):
    """One step of a treebeard materialised path (Page: 4 characters of 0-9A-Z)."""
    alphabet, digits = Page.alphabet, ""
    while number:
        number, remainder = divmod(number, len(alphabet))
        digits = alphabet[remainder] + digits
    if len(digits) > Page.steplen:
        raise ValueError("too many children for one parent page")
    return digits.rjust(Page.steplen, alphabet[0])


def decode_step(step):
    return int(step, len(Page.alphabet))


class ChildWriter:
    """Appends pages of one type under one parent, in bulk, as Wagtail and treebeard would."""

    def __init__(self, parent, model):
        self.parent = Page.objects.get(pk=parent.pk)
        self.model = model
        self.content_type_id = ContentType.objects.get_for_model(model).pk
        children = Page.objects.filter(
            path__startswith=self.parent.path, depth=self.parent.depth + 1
        )
        last = children.order_by("-path").values_list("path", flat=True).first()
        self.next_step = decode_step(last[-Page.steplen :]) + 1 if last else 1
        self.existing = dict(children.values_list("slug", "pk"))
        self.base_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
        self.own_fields = model._meta.local_concrete_fields  # page_ptr and the type's fields

    def new_page(self, slug, title, published, translation_key, **fields):
        path = self.parent.path + encode_step(self.next_step)
        self.next_step += 1
        return self.model(
            path=path,
            depth=self.parent.depth + 1,
            numchild=0,
            title=title,
            draft_title=title,
            slug=slug,
            url_path=f"{self.parent.url_path}{slug}/",
            content_type_id=self.content_type_id,
            locale_id=self.parent.locale_id,
            translation_key=translation_key,
            live=True,
            has_unpublished_changes=False,
            first_published_at=published,
            last_published_at=published,
            show_in_menus=False,
            **fields,
        )

    def insert(self, pages):
        """Insert the base rows, take their ids, insert the page-type rows."""
        size = max(1, min(BATCH, connection.ops.bulk_batch_size(self.base_fields, pages)))
        for start in range(0, len(pages), size):
            batch = pages[start : start + size]
            rows = Page._base_manager._insert(
                batch, fields=self.base_fields, returning_fields=Page._meta.db_returning_fields
            )
            for page, (pk,) in zip(batch, rows, strict=True):
                page.id = page.page_ptr_id = pk
                page._state.adding = False
            self.model._base_manager._insert(batch, fields=self.own_fields, raw=True)
        Page.objects.filter(pk=self.parent.pk).update(numchild=F("numchild") + len(pages))
        self.parent.numchild += len(pages)


def tag_ids(model, names):
    return {tag.name: tag.pk for tag in vocabulary_tags(model, names)}


def load_sample(n, stdout, progress_every=None):
    """Create what is missing of the first n sample commentaries and their experts."""
    progress_every = progress_every or max(1000, n // 10)
    with transaction.atomic():
        regions = tag_ids(Region, REGIONS)
        competences = tag_ids(Competence, [name for name, _topic in COMPETENCES])
        experts = load_experts(expert_pool_size(n), regions, competences, stdout)
        created = load_commentaries(n, experts, regions, competences, stdout, progress_every)
        if created:
            # Written in bulk, without the signals that keep the listing's totals.
            totals.mark_everything()
            analyze_tables()
    return created


def analyze_tables():
    """Refresh the planner's statistics: right after a bulk load they still describe the
    empty tables, and PostgreSQL then picks plans that are slower by orders of magnitude."""
    models = (Page, CommentaryPage, ExpertPage, Byline, CommentaryRegion, CommentaryCompetence)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def load_experts(count, regions, competences, stdout):
    writer = ChildWriter(ExpertIndexPage.objects.get(), ExpertPage)
    specs = [expert_spec(j) for j in range(count)]
    new = []
    for spec in specs:
        if spec["slug"] in writer.existing:
            spec["pk"] = writer.existing[spec["slug"]]
            continue
        published = datetime.datetime(2005, 1, 1, tzinfo=datetime.UTC)
        page = writer.new_page(
            spec["slug"],
            spec["title"],
            published,
            spec["translation_key"],
            surname=spec["surname"],
            position=spec["position"],
            location=spec["location"],
            field_of_expertise=spec["field_of_expertise"],
            work_experience=spec["work_experience"],
        )
        new.append((spec, page))
    writer.insert([page for _spec, page in new])
    region_rows, competence_rows = [], []
    for spec, page in new:
        spec["pk"] = page.pk
        region_rows += [
            ExpertRegion(content_object_id=page.pk, tag_id=regions[r]) for r in spec["regions"]
        ]
        competence_rows += [
            ExpertCompetence(content_object_id=page.pk, tag_id=competences[c])
            for c in spec["competences"]
        ]
    ExpertRegion.objects.bulk_create(region_rows, batch_size=BATCH)
    ExpertCompetence.objects.bulk_create(competence_rows, batch_size=BATCH)
    stdout.write(f"Sample experts: {len(new)} created, {count - len(new)} already there.")
    return specs


def load_commentaries(n, experts, regions, competences, stdout, progress_every):
    writer = ChildWriter(PublicationIndexPage.objects.get(), CommentaryPage)
    expert_weights = cumulative(zipf_weights(len(experts), 0.7))
    pending, created, started = [], 0, time.monotonic()
    for i in range(n):
        spec = commentary_spec(i, experts, expert_weights)
        if spec["slug"] in writer.existing:
            continue
        page = writer.new_page(
            spec["slug"],
            spec["title"],
            spec["published"],
            spec["translation_key"],
            date=spec["date"],
            lead=spec["lead"],
            body=spec["body"],
            source=spec["source"],
        )
        pending.append((spec, page))
        if len(pending) >= BATCH:
            created += write_commentaries(writer, pending, regions, competences)
            pending = []
        if (i + 1) % progress_every == 0:
            stdout.write(progress_line(i + 1, n, created, started))
    created += write_commentaries(writer, pending, regions, competences)
    stdout.write(f"Sample commentaries: {created} created, {n - created} already there.")
    return created


def progress_line(done, n, created, started):
    """[#####-----]  50%  50000/100000 looked at, 50000 created, 1,234/s, about 40 s left"""
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = done / elapsed
    bar = "#" * round(20 * done / n)
    return (
        f"Sample commentaries [{bar:-<20}] {done * 100 // n:3d}%  {done}/{n} looked at, "
        f"{created} created, {rate:,.0f}/s, about {(n - done) / rate:.0f} s left"
    )


def write_commentaries(writer, pending, regions, competences):
    writer.insert([page for _spec, page in pending])
    bylines, region_rows, competence_rows = [], [], []
    for spec, page in pending:
        bylines += [
            Byline(
                commentary_id=page.pk,
                expert_id=author["pk"],
                position=author["position"],
                sort_order=k,
            )
            for k, author in enumerate(spec["authors"])
        ]
        region_rows += [
            CommentaryRegion(content_object_id=page.pk, tag_id=regions[r]) for r in spec["regions"]
        ]
        competence_rows += [
            CommentaryCompetence(content_object_id=page.pk, tag_id=competences[c])
            for c in spec["competences"]
        ]
    Byline.objects.bulk_create(bylines, batch_size=BATCH)
    CommentaryRegion.objects.bulk_create(region_rows, batch_size=BATCH)
    CommentaryCompetence.objects.bulk_create(competence_rows, batch_size=BATCH)
    return len(pending)
