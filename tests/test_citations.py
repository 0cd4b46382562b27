"""How to cite: the line on the page and BibTeX, RIS and CSL-JSON downloads, parsed."""

import json
import re

from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory
from .helpers import soup

JOINT = "/publications/joint-japan-energy/"
FULL_URL = "http://localhost/publications/joint-japan-energy/"


def parse_bibtex(text):
    """One entry, strictly: @type{key, then `  name = {value}` lines with balanced braces."""
    header = re.match(r"@(\w+)\{([A-Za-z0-9]+),\n", text)
    assert header, text
    fields, rest = {}, text[header.end() :]
    field = re.compile(r"  (\w+) = \{")
    while not rest.startswith("}"):
        match = field.match(rest)
        assert match, rest
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(rest[i], 0) if rest[i - 1] != "\\" else 0
            i += 1
        fields[match.group(1)] = rest[match.end() : i - 1]
        rest = rest[i:]
        rest = rest[2:] if rest.startswith(",\n") else rest[1:]
        assert rest.startswith(("  ", "}")), rest
    assert rest == "}\n"
    return header.group(1), header.group(2), fields


def parse_ris(text):
    lines = text.split("\r\n")
    assert lines[-1] == ""
    tags = []
    for line in lines[:-1]:
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, line
        tags.append(match.groups())
    assert tags[0][0] == "TY" and tags[-1] == ("ER", "")
    return tags


def test_bibtex_lists_authors_in_byline_order(corpus, client):
    response = client.get(JOINT + "cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    kind, key, fields = parse_bibtex(response.content.decode())
    assert (kind, key) == ("online", "petrova2024joint")
    assert fields["author"] == "Petrova, Anna and Adamov, Boris"
    assert fields["title"] == "{Joint Japan energy}"
    assert fields["organization"] == "Agora"
    assert (fields["year"], fields["month"], fields["date"]) == ("2024", "1", "2024-01-01")
    assert fields["url"] == FULL_URL


def test_bibtex_escapes_special_characters(corpus, client):
    CommentaryPageFactory(
        parent=corpus["index"], title="R&D: 50% of {budgets}_x", slug="rd", authors=[corpus["anna"]]
    )
    _, _, fields = parse_bibtex(client.get("/publications/rd/cite.bib").content.decode())
    assert fields["title"] == r"{R\&D: 50\% of \{budgets\}\_x}"


def test_ris_has_the_tag_set_in_order(corpus, client):
    response = client.get(JOINT + "cite.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    tags = parse_ris(response.content.decode())
    assert [value for tag, value in tags if tag == "AU"] == ["Petrova, Anna", "Adamov, Boris"]
    values = dict(tags)
    assert values["TY"] == "ELEC"
    assert values["TI"] == "Joint Japan energy"
    assert values["PY"] == "2024" and values["DA"] == "2024/01/01/"
    assert values["PB"] == "Agora" and values["UR"] == FULL_URL
    assert values["AB"] == "A short lead."
    assert sorted(value for tag, value in tags if tag == "KW") == ["China", "Energy", "Japan"]


def test_csl_json_has_the_schema_fields(corpus, client):
    response = client.get(JOINT + "cite.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    (item,) = json.loads(response.content)
    assert item["id"] == "petrova2024joint"
    assert item["type"] == "article"
    assert item["title"] == "Joint Japan energy"
    assert item["author"] == [
        {"family": "Petrova", "given": "Anna"},
        {"family": "Adamov", "given": "Boris"},
    ]
    assert item["issued"] == {"date-parts": [[2024, 1, 1]]}
    assert item["publisher"] == "Agora" and item["URL"] == FULL_URL


def test_surname_field_decides_the_family_name(corpus, client):
    expert = ExpertPageFactory(
        parent=corpus["experts_index"], title="Mao Zedong Li", surname="Mao", slug="mao"
    )
    CommentaryPageFactory(parent=corpus["index"], title="Names", slug="names", authors=[expert])
    (item,) = json.loads(client.get("/publications/names/cite.json").content)
    assert item["author"] == [{"family": "Mao", "given": "Zedong Li"}]


def test_page_shows_how_to_cite_with_download_links(corpus, client):
    page = soup(client.get(JOINT))
    block = page.select_one(".how-to-cite")
    text = " ".join(block.select_one(".citation").get_text().split())
    assert text.startswith(
        "Petrova, Anna, and Boris Adamov. “Joint Japan energy.” Agora, 1 January 2024. "
        + FULL_URL
        + ". Accessed "
    )
    links = [a["href"] for a in block.select(".cite-downloads a")]
    assert links == [JOINT + "cite.bib", JOINT + "cite.ris", JOINT + "cite.json"]


def test_hidden_commentaries_have_no_citations(corpus, client):
    for key in ("draft", "scheduled"):
        assert client.get(f"/publications/{corpus[key].slug}/cite.bib").status_code == 404
    private = client.get(f"/publications/{corpus['private'].slug}/cite.ris")
    assert private.status_code != 200
    assert b"Hidden" not in private.content


def test_unknown_citation_format_is_404(corpus, client):
    assert client.get(JOINT + "cite.doc").status_code == 404
