"""How to cite a commentary: a line for readers, and BibTeX, RIS and CSL-JSON for reference
managers. Authors keep the order of the byline."""

import json
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Author:
    family: str
    given: str

    @classmethod
    def from_expert(cls, expert):
        """The surname field is the family name; the rest of the displayed name is given."""
        name = expert.title.strip()
        family = (expert.surname or name.split()[-1]).strip()
        if name.endswith(family):
            given = name[: -len(family)].strip()
        else:
            given = " ".join(part for part in name.split() if part != family)
        return cls(family=family, given=given)

    @property
    def inverted(self):  # "Petrova, Anna"
        return f"{self.family}, {self.given}" if self.given else self.family

    @property
    def natural(self):  # "Anna Petrova"
        return f"{self.given} {self.family}".strip()


class Citation:
    def __init__(self, commentary, url, bylines=None, institution=None):
        self.commentary = commentary
        self.url = url
        if bylines is None:
            bylines = commentary.bylines.select_related("expert").order_by("sort_order")
        self.authors = [Author.from_expert(byline.expert) for byline in bylines]
        # The name editors gave the site (site identity settings), else the deployment's.
        self.institution = institution or settings.WAGTAIL_SITE_NAME
        self.title = commentary.title
        self.date = commentary.date

    @property
    def keywords(self):
        tags = (*self.commentary.regions.all(), *self.commentary.competences.all())
        return [tag.name for tag in tags]

    @property
    def key(self):
        """A BibTeX key: first author's surname, year, first word of the title, in ASCII."""
        first = self.authors[0].family if self.authors else self.institution
        word = (self.title.split() or ["untitled"])[0]
        return ascii_word(first) + str(self.date.year) + ascii_word(word)

    def text_authors(self):
        """Chicago style: the first name inverted, the others natural, joined with "and"."""
        names = [a.inverted if i == 0 else a.natural for i, a in enumerate(self.authors)]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + ", and " + names[-1]

    def bibtex(self):
        fields = [
            ("author", " and ".join(bibtex_escape(a.inverted) for a in self.authors)),
            ("title", "{" + bibtex_escape(self.title) + "}"),
            ("organization", bibtex_escape(self.institution)),
            ("year", str(self.date.year)),
            ("month", str(self.date.month)),
            ("date", self.date.isoformat()),
            ("url", self.url),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        return f"@online{{{self.key},\n{body}\n}}\n"

    def ris(self):
        lines = [("TY", "ELEC")]
        lines += [("AU", author.inverted) for author in self.authors]
        lines += [
            ("TI", self.title),
            ("PY", str(self.date.year)),
            ("DA", self.date.strftime("%Y/%m/%d/")),
            ("PB", self.institution),
            ("AB", self.commentary.lead),
            ("UR", self.url),
        ]
        lines += [("KW", keyword) for keyword in self.keywords]
        lines.append(("ER", ""))
        return "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines)

    def csl(self):
        item = {
            "id": self.key,
            "type": "article",
            "title": self.title,
            "author": [{"family": a.family, "given": a.given} for a in self.authors],
            "issued": {"date-parts": [[self.date.year, self.date.month, self.date.day]]},
            "publisher": self.institution,
            "URL": self.url,
            "abstract": self.commentary.lead,
        }
        if self.keywords:
            item["keyword"] = ", ".join(self.keywords)
        return json.dumps([item], ensure_ascii=False, indent=2)


def ascii_word(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded).lower() or "x"


BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text):
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in one_line(text))


def one_line(text):
    return " ".join(str(text).split())
