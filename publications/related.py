"""Related commentaries: other live, public commentaries ranked by shared experts, then shared
tags (regions and competences together), then recency; each carries `shared_experts`.

At 100,000 commentaries a page shares a tag with tens of thousands of others, and ranking every
one of them costs close to a second. But any commentary sharing an expert ranks before any that
shares only tags, so the candidates come in two parts: those sharing an expert (their authors'
other commentaries, a few hundred), ranked; and those sharing only a tag, looked at only when the
first part has fewer than `limit` (the gate does not depend on the row: PostgreSQL evaluates it
once and skips the part). One raw query: the ORM would spend longer building this one than the
database spends running it. Which pages readers see is the ORM's one rule
(`editorial.visibility.visible_to_readers`), compiled once into the query as a correlated check.
"""

from functools import cache

SQL = """
WITH
  mine_e AS (SELECT expert_id FROM publications_byline WHERE commentary_id = %(pk)s),
  mine_r AS (SELECT tag_id FROM publications_commentaryregion WHERE content_object_id = %(pk)s),
  mine_c AS (
    SELECT tag_id FROM publications_commentarycompetence WHERE content_object_id = %(pk)s
  ),
  by_expert AS (
    SELECT b.commentary_id AS id, COUNT(DISTINCT b.expert_id) AS se
    FROM publications_byline b
    WHERE b.expert_id IN (SELECT expert_id FROM mine_e) AND b.commentary_id <> %(pk)s
    GROUP BY b.commentary_id
  ),
  enough AS (
    SELECT COUNT(*) AS n FROM (
      SELECT 1 FROM by_expert e JOIN wagtailcore_page p ON p.id = e.id
      WHERE EXISTS ({visible}) LIMIT %(limit)s
    ) found
  ),
  by_tag AS (
    SELECT t.id, COUNT(*) AS st FROM (
      SELECT content_object_id AS id FROM publications_commentaryregion
      WHERE tag_id IN (SELECT tag_id FROM mine_r)
      UNION ALL
      SELECT content_object_id FROM publications_commentarycompetence
      WHERE tag_id IN (SELECT tag_id FROM mine_c)
    ) t
    WHERE t.id <> %(pk)s AND t.id NOT IN (SELECT id FROM by_expert)
      AND (SELECT n FROM enough) < %(limit)s
    GROUP BY t.id
  ),
  ranked AS (
    SELECT e.id, e.se,
      (SELECT COUNT(*) FROM publications_commentaryregion r
        WHERE r.content_object_id = e.id AND r.tag_id IN (SELECT tag_id FROM mine_r))
      + (SELECT COUNT(*) FROM publications_commentarycompetence c
        WHERE c.content_object_id = e.id AND c.tag_id IN (SELECT tag_id FROM mine_c)) AS st
    FROM by_expert e
    UNION ALL
    SELECT t.id, 0, t.st FROM by_tag t
  )
SELECT p.*, cp.page_ptr_id, cp.date, cp.source,
  ranked.se AS shared_experts, ranked.st AS shared_tags
FROM ranked
JOIN publications_commentarypage cp ON cp.page_ptr_id = ranked.id
JOIN wagtailcore_page p ON p.id = ranked.id
WHERE EXISTS ({visible})
ORDER BY ranked.se DESC, ranked.st DESC, cp.date DESC, cp.page_ptr_id DESC
LIMIT %(limit)s
"""


@cache
def visible_sql():
    """`visible_to_readers` for the row `p`, as SQL with its parameters inlined by name (the
    raw query takes named parameters); the same for every call, so compiled once."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    from wagtail.models import Page

    from editorial.visibility import visible_to_readers

    query = visible_to_readers(Page.objects.filter(pk=RawSQL("p.id", ()))).order_by().values("pk")
    sql, params = query.query.get_compiler(connection=connection).as_sql()
    names = {f"visible_{i}": value for i, value in enumerate(params)}
    return sql % tuple(f"%({name})s" for name in names), names


def related_commentaries(page, limit):
    from .models import CommentaryPage

    visible, params = visible_sql()
    sql = SQL.format(visible=visible)
    return list(CommentaryPage.objects.raw(sql, {"pk": page.pk, "limit": limit, **params}))
