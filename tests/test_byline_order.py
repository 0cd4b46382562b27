"""Author order: whatever an editor does to the authors in the admin, the bylines are numbered
0..n-1 in the order the form showed, and every surface names the authors in that order."""

import json
import re
import xml.etree.ElementTree as ET

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

import pytest

from publications.models import Byline, CommentaryPage

from .conftest import make_user, sign_in
from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory
from .helpers import soup
from .workflow.conftest import commentary_form


def admin_byline_forms(client, page, delete=(), add=()):
    """The bylines formset as Wagtail's edit form posts it: the existing forms keep the ORDER
    the page rendered (1, 2, ...), a deleted one is only marked DELETE, and a form added with
    "Add author" gets ORDER = the number of forms (inlinePanel.js `addForm`)."""
    edit = soup(client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])))
    existing = edit.select('input[name^="bylines-"][name$="-id"]')
    data, total = {}, len(existing)
    for box in existing:
        prefix = box["name"].removesuffix("-id")
        order = edit.select_one(f'input[name="{prefix}-ORDER"]')["value"]
        expert = edit.select_one(f'input[name="{prefix}-expert"]')["value"]
        data |= {
            f"{prefix}-id": box["value"],
            f"{prefix}-expert": expert,
            f"{prefix}-position": edit.select_one(f'[name="{prefix}-position"]').get("value", ""),
            f"{prefix}-ORDER": order,
            f"{prefix}-DELETE": "1" if int(expert) in {e.pk for e in delete} else "",
        }
    for expert in add:
        prefix = f"bylines-{total}"
        total += 1
        data |= {
            f"{prefix}-id": "",
            f"{prefix}-expert": str(expert.pk),
            f"{prefix}-position": "",
            f"{prefix}-ORDER": str(total),
            f"{prefix}-DELETE": "",
        }
    data |= {
        "bylines-TOTAL_FORMS": str(total),
        "bylines-INITIAL_FORMS": str(len(existing)),
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
    }
    return data


def publish_with_authors(client, page, delete=(), add=()):
    data = commentary_form(page)
    data = {k: v for k, v in data.items() if not k.startswith("bylines-")}
    data |= admin_byline_forms(client, page, delete, add)
    data["action-publish"] = "publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    return CommentaryPage.objects.get(pk=page.pk)


def names_on_every_surface(client, page, co_author):
    """The authors' names as each surface lists them, first author first."""
    article = soup(client.get(page.url))
    ris = client.get(page.url + "cite.ris").content.decode()
    csl = json.loads(client.get(page.url + "cite.json").content)
    expert_page = soup(client.get(co_author.url))
    card = next(
        card
        for card in expert_page.select(".card")
        if card.select_one(".card-title").get_text(strip=True) == page.title
    )
    rss = ET.fromstring(client.get("/publications/feed/").content)  # noqa: S314 (our own)
    item = next(i for i in rss.iter("item") if i.findtext("title") == page.title)
    creator = item.findtext("{http://purl.org/dc/elements/1.1/}creator") or item.findtext("author")
    api = client.get(f"/api/v2/pages/{page.pk}/").json()
    return {
        "article": [a.get_text() for a in article.select("header .bylines .byline-text > a")],
        "authors section": [h.get_text(strip=True) for h in article.select(".authors h3")],
        "citation (RIS)": [
            line.removeprefix("AU  - ") for line in ris.splitlines() if line.startswith("AU  -")
        ],
        "citation (CSL)": [f"{a['family']}, {a['given']}" for a in csl[0]["author"]],
        "expert page": [a.get_text() for a in card.select(".bylines .byline-text > a")],
        "feed": creator.split(", "),
        "API": [byline["expert"]["title"] for byline in api["bylines"]],
    }


@pytest.fixture
def people(site_tree):
    experts = site_tree["experts"]
    names = ["Anna Petrova", "Boris Adamov", "Clara Zhou", "Dmitri Orlov", "Elena Sato"]
    return site_tree, {
        name.split()[0].lower(): ExpertPageFactory(parent=experts, title=name) for name in names
    }


@pytest.fixture
def editor_client(client, site_tree):
    sign_in(client, make_user("chief-editor", is_superuser=True, is_staff=True))
    return client


def dense_order(page):
    return list(
        Byline.objects.filter(commentary=page)
        .order_by("sort_order", "pk")
        .values_list("sort_order", "expert__title")
    )


@pytest.mark.parametrize("revised_first", [False, True], ids=["imported", "edited-before"])
def test_removing_an_author_and_adding_another_numbers_the_bylines_densely(
    people, editor_client, revised_first
):
    tree, p = people
    page = CommentaryPageFactory(
        parent=tree["publications"], title="Two authors", authors=[p["anna"], p["boris"]]
    )
    if revised_first:  # a page whose form comes from a revision, not from the database rows
        page = publish_with_authors(editor_client, page)
    page = publish_with_authors(editor_client, page, delete=[p["anna"]], add=[p["clara"]])
    assert dense_order(page) == [(0, "Boris Adamov"), (1, "Clara Zhou")]


def test_the_author_kept_stays_first_when_the_others_are_replaced(people, editor_client):
    """Before, the kept author's old number (2) lost to the first new one's (1): the article
    named Dmitri first although the form showed Clara first."""
    tree, p = people
    page = CommentaryPageFactory(
        parent=tree["publications"],
        title="Three authors",
        authors=[p["anna"], p["boris"], p["clara"]],
    )
    page = publish_with_authors(
        editor_client, page, delete=[p["anna"], p["boris"]], add=[p["dmitri"], p["elena"]]
    )
    assert dense_order(page) == [(0, "Clara Zhou"), (1, "Dmitri Orlov"), (2, "Elena Sato")]


def test_every_surface_names_the_same_first_author_after_an_edit(people, editor_client, client):
    tree, p = people
    page = CommentaryPageFactory(
        parent=tree["publications"],
        title="Shared authorship",
        authors=[p["anna"], p["boris"], p["clara"]],
    )
    page = publish_with_authors(
        editor_client, page, delete=[p["anna"], p["boris"]], add=[p["dmitri"], p["elena"]]
    )
    client.logout()
    found = names_on_every_surface(client, page, co_author=p["elena"])
    full = ["Clara Zhou", "Dmitri Orlov", "Elena Sato"]
    inverted = ["Zhou, Clara", "Orlov, Dmitri", "Sato, Elena"]
    assert found == {
        "article": full,
        "authors section": full,
        "citation (RIS)": inverted,
        "citation (CSL)": inverted,
        "expert page": full,
        "feed": full,
        "API": full,
    }


def test_bylines_that_share_a_number_read_in_the_order_they_were_made(people, client):
    """Rows written before the fix may tie: every query breaks the tie by id, the same way.
    Written last id first, so that the table (on PostgreSQL) holds them in the other order."""
    tree, p = people
    page = CommentaryPageFactory(parent=tree["publications"], title="Tied")
    first_id = (Byline.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 10
    for offset, expert in reversed(list(enumerate([p["boris"], p["anna"], p["clara"]]))):
        Byline.objects.create(pk=first_id + offset, commentary=page, expert=expert, sort_order=0)
    found = names_on_every_surface(client, page, co_author=p["clara"])
    # The downloads (cite.ris, cite.json) order by sort_order alone (publications/citations.py).
    found.pop("citation (RIS)"), found.pop("citation (CSL)")
    full = ["Boris Adamov", "Anna Petrova", "Clara Zhou"]
    assert found == dict.fromkeys(found, full)


def test_a_save_outside_the_admin_numbers_the_bylines_densely_too(people):
    tree, p = people
    page = CommentaryPageFactory(parent=tree["publications"], title="Gaps")
    page.bylines.add(
        Byline(expert=p["clara"], sort_order=7),
        Byline(expert=p["anna"], sort_order=3),
        Byline(expert=p["boris"], sort_order=3),
    )
    page.save()
    assert dense_order(page) == [(0, "Anna Petrova"), (1, "Boris Adamov"), (2, "Clara Zhou")]


BEFORE = [("publications", "0006_number_unordered_bylines")]
AFTER = [("publications", "0007_byline_order_tie_breaker")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_the_migration_renumbers_tied_and_gapped_bylines(site_tree):
    experts = [ExpertPageFactory(parent=site_tree["experts"]) for _ in range(3)]
    tied = CommentaryPageFactory(parent=site_tree["publications"], authors=experts)
    gapped = CommentaryPageFactory(parent=site_tree["publications"], authors=experts[:2])
    fine = CommentaryPageFactory(parent=site_tree["publications"], authors=experts[:2])
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Byline.objects.filter(commentary=tied).update(sort_order=1)
    Byline.objects.filter(commentary=gapped, expert=experts[1]).update(sort_order=5)
    untouched = list(Byline.objects.filter(commentary=fine).values_list("pk", "sort_order"))
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    for page, count in ((tied, 3), (gapped, 2)):
        rows = Byline.objects.filter(commentary=page).order_by("pk")
        assert [(b.sort_order, b.expert_id) for b in rows] == [
            (index, expert.pk) for index, expert in enumerate(experts[:count])
        ]
    assert list(Byline.objects.filter(commentary=fine).values_list("pk", "sort_order")) == (
        untouched
    )


def test_the_editor_sees_the_authors_in_the_saved_order(people, editor_client):
    tree, p = people
    page = CommentaryPageFactory(
        parent=tree["publications"], title="Order in the form", authors=[p["anna"], p["boris"]]
    )
    page = publish_with_authors(editor_client, page, delete=[p["anna"]], add=[p["clara"]])
    edit = soup(editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])))
    experts = [
        int(box["value"])
        for box in edit.select('input[name^="bylines-"][name$="-expert"]')
        if re.fullmatch(r"bylines-\d+-expert", box["name"])
    ]
    assert experts == [p["boris"].pk, p["clara"].pk]


def test_the_authors_panel_links_to_a_new_expert_and_the_chooser_offers_the_draft(
    editorial, client
):
    """Wagtail's page chooser has no "create" tab: the panel links to the new-expert form (in a
    new tab); the expert made there is a draft in review, and the byline chooser offers it."""
    from experts.models import ExpertPage

    author, directory = editorial["author"], editorial["experts"]
    sign_in(client, author)
    add_commentary = reverse(
        "wagtailadmin_pages:add",
        args=["publications", "commentarypage", editorial["publications"].pk],
    )
    link = soup(client.get(add_commentary)).find("a", string=re.compile("Create a new expert"))
    assert link["target"] == "_blank"
    assert link["href"] == reverse(
        "wagtailadmin_pages:add", args=["experts", "expertpage", directory.pk]
    )
    response = client.post(
        link["href"],
        nested_form_data(
            {
                "title": "Nadia Kim",
                "slug": "nadia-kim",
                "surname": "",
                "position": "Fellow",
                "location": "",
                "photo": "",
                "competences": "",
                "regions": "",
                "field_of_expertise": rich_text(""),
                "work_experience": rich_text(""),
                "comments": inline_formset([]),
                "action-submit": "submit",
            }
        ),
    )
    assert response.status_code == 302
    expert = ExpertPage.objects.get(slug="nadia-kim")
    assert not expert.live
    assert expert.current_workflow_state.status == "in_progress"  # in review like any page
    chooser = client.get(
        reverse("wagtailadmin_choose_page_child", args=[directory.pk]),
        {"page_type": "experts.expertpage"},
    )
    assert "Nadia Kim" in chooser.json()["html"]


def test_the_new_expert_link_is_only_for_those_who_may_add_experts(editorial, client):
    from wagtail.models import GroupPagePermission

    GroupPagePermission.objects.filter(
        page=editorial["experts"], permission__codename="add_page"
    ).delete()
    sign_in(client, editorial["author"])
    add_commentary = reverse(
        "wagtailadmin_pages:add",
        args=["publications", "commentarypage", editorial["publications"].pk],
    )
    page = soup(client.get(add_commentary))
    assert page.find(string=re.compile("Authors"))  # the form, with its authors panel
    assert not page.find("a", string=re.compile("Create a new expert"))
