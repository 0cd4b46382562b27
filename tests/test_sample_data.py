"""`load_seed --sample N`: plausible, deterministic, idempotent, and pages Wagtail can serve and
edit although they were written in bulk."""

import io
from collections import Counter

from django.core.management import call_command
from django.core.management.base import CommandError

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from experts.models import ExpertCompetence, ExpertPage, ExpertRegion
from intake.sample import expert_pool_size
from publications.models import (
    Byline,
    CommentaryCompetence,
    CommentaryPage,
    CommentaryRegion,
    PublicationIndexPage,
)

from .conftest import ensure_wagtail_base, sign_in

SEED_COMMENTARIES, SEED_EXPERTS = 1, 1


def load(n):
    out = io.StringIO()
    call_command("load_seed", sample=n, stdout=out)
    return out.getvalue()


def snapshot():
    return [
        model.objects.count()
        for model in (
            Page,
            Byline,
            CommentaryRegion,
            CommentaryCompetence,
            ExpertRegion,
            ExpertCompetence,
        )
    ]


def test_sample_adds_n_commentaries_and_a_pool_of_experts(db):
    output = load(30)
    assert CommentaryPage.objects.count() == SEED_COMMENTARIES + 30
    assert ExpertPage.objects.count() == SEED_EXPERTS + expert_pool_size(30)
    assert "Sample commentaries: 30 created" in output
    for page in CommentaryPage.objects.exclude(slug__startswith="why-is-it-so-difficult"):
        assert 1 <= page.bylines.count() <= 3
        assert page.regions.exists() and page.competences.exists()
        assert page.live and page.lead and len(page.body) >= 2


def test_sample_is_deterministic(db):
    """Fixed values: the same N on a fresh database always gives the same content. (Authors are
    drawn from a pool whose size follows N, so they differ for another N.)"""
    load(5)
    first = CommentaryPage.objects.get(slug__endswith="-1")
    assert (first.title, str(first.date)) == ("Why trade matters for Russia", "2016-03-29")
    assert [b.expert.title for b in first.bylines.order_by("sort_order")] == [
        "Chen Hartmann",
        "Elena Novak",
    ]


def test_the_same_n_twice_adds_nothing(db):
    load(25)
    before = snapshot()
    output = load(25)
    assert snapshot() == before
    assert "Sample commentaries: 0 created, 25 already there." in output


def test_a_larger_n_adds_only_the_difference(db):
    load(10)
    load(25)
    assert CommentaryPage.objects.count() == SEED_COMMENTARIES + 25


def test_tags_are_skewed_like_real_ones(db):
    load(400)
    per_region = Counter(CommentaryRegion.objects.values_list("tag__name", flat=True))
    counts = sorted(per_region.values(), reverse=True)
    assert len(counts) > 15
    assert counts[0] > 4 * counts[len(counts) // 2]  # a few busy regions, a long tail
    authors = Counter(Byline.objects.values_list("commentary_id", flat=True)).values()
    share_single = sum(1 for n in authors if n == 1) / len(authors)
    assert 0.55 < share_single < 0.85


@pytest.mark.parametrize("n", ["-1", "1000001", "many"])
def test_a_bad_sample_size_is_refused(db, n):
    with pytest.raises((CommandError, SystemExit)):
        call_command("load_seed", f"--sample={n}", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_tree_stays_consistent_and_wagtail_can_add_after_it(db):
    load(40)
    assert Page.find_problems() == ([], [], [], [], [])
    index = PublicationIndexPage.objects.get()
    assert index.numchild == SEED_COMMENTARIES + 40
    added = index.add_child(
        instance=CommentaryPage(
            title="Written after the sample", lead="Lead.", slug="after", date="2024-05-01"
        )
    )
    assert added.path > index.get_children().exclude(pk=added.pk).order_by("-path")[0].path
    assert Page.find_problems() == ([], [], [], [], [])


class SamplePagesTest(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        # Before any pytest fixture: a transactional test earlier on this worker may have
        # flushed Wagtail's root page (seen on PostgreSQL under pytest-xdist).
        ensure_wagtail_base()
        load(12)

    def sample_commentary(self):
        return CommentaryPage.objects.get(slug__endswith="-3")

    def test_a_sample_commentary_is_routable_and_renders(self):
        page = self.sample_commentary()
        self.assertPageIsRoutable(page)
        self.assertPageIsRenderable(page)
        response = self.client.get(page.url)
        self.assertContains(response, page.title)
        self.assertContains(response, page.bylines.first().expert.title)

    def test_a_sample_expert_is_routable_and_renders(self):
        expert = self.sample_commentary().bylines.first().expert
        self.assertPageIsRoutable(expert)
        self.assertPageIsRenderable(expert)

    def test_a_sample_commentary_can_be_edited_and_published_in_the_admin(self):
        page = self.sample_commentary()
        bylines = list(page.bylines.order_by("sort_order"))
        regions = sorted(tag.name for tag in page.regions.all())
        # The body editor is drawn by JavaScript, so the form data is written out here.
        data = nested_form_data(
            {
                "title": page.title + " (revised)",
                "slug": page.slug,
                "date": str(page.date),
                "lead": page.lead,
                "body": streamfield(
                    [("paragraph", rich_text(block.value.source)) for block in page.body]
                ),
                "source": page.source,
                "regions": ", ".join(regions),
                "competences": ", ".join(tag.name for tag in page.competences.all()),
                "bylines": inline_formset(
                    [{"id": b.pk, "expert": b.expert_id, "position": b.position} for b in bylines],
                    initial=len(bylines),
                    min=1,
                ),
                "action-publish": "publish",
            }
        )
        sign_in(self.client, self.create_superuser("editor"))
        edit_url = f"/admin/pages/{page.pk}/edit/"
        self.assertEqual(self.client.get(edit_url).status_code, 200)
        response = self.client.post(edit_url, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        page = CommentaryPage.objects.get(pk=page.pk)
        self.assertEqual(page.title, data["title"])
        self.assertIsNotNone(page.live_revision)  # publishing wrote its first revision
        self.assertEqual(
            [b.expert_id for b in page.bylines.order_by("sort_order")],
            [b.expert_id for b in bylines],
        )
        self.assertEqual(sorted(tag.name for tag in page.regions.all()), regions)

    def test_sample_pages_fill_the_listings(self):
        listing = self.client.get("/publications/")
        self.assertContains(listing, "13 commentaries")
        self.assertContains(self.client.get("/experts/"), f"{1 + expert_pool_size(12)} experts")
