"""Reads of the catalogue that pages, the API and other apps use (DESIGN §2).

The public catalogue shows published guides only; drafts and history are read through the
operator selectors, which the views guard by role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Count, Exists, FloatField, IntegerField, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from tongban.catalog import search
from tongban.catalog.models import (
    GuideStatus,
    GuideVersion,
    Implementation,
    Item,
    LifeEvent,
    SearchEntry,
    SearchLifeEvent,
    SearchQueryStat,
    Synonym,
)
from tongban.core.errors import NotFound
from tongban.identity.models import Department

TARGET_PERSON = "person"
TARGET_LEGAL = "legal"
TARGETS = (TARGET_PERSON, TARGET_LEGAL)
MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: Sequence[SearchEntry]
    query: search.ParsedQuery
    relaxed: bool  # no entry matched every word; these match some of them
    limit: int
    offset: int

    @property
    def terms(self) -> tuple[str, ...]:
        return self.query.highlight


SYNONYM_CACHE_KEY = "catalog:synonyms"


def synonym_map() -> dict[str, list[str]]:
    """Everyday phrase → catalogue terms; cached until an operator changes a synonym."""
    cached = cache.get(SYNONYM_CACHE_KEY)
    if cached is None:
        cached = {term: list(exp) for term, exp in Synonym.objects.values_list("term", "expansions")}
        cache.set(SYNONYM_CACHE_KEY, cached, timeout=3600)
    return cached  # type: ignore[no-any-return]


# The SQL around the (parameterised) query text; table names are constants, user text is never inlined.
_PG_MATCH = "catalog_searchentry.search_vector @@ to_tsquery('simple', %s)"
_PG_RANK = "ts_rank('{0.05, 0.2, 0.5, 1.0}', catalog_searchentry.search_vector, to_tsquery('simple', %s))"
_FTS_MATCH = "catalog_searchentry.id IN (SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s)"
# bm25 is lower for better matches; negated so that higher is better on both databases.
_FTS_RANK = (
    "(SELECT -bm25(catalog_search_fts, 10.0, 4.0, 1.0) FROM catalog_search_fts"
    " WHERE catalog_search_fts MATCH %s AND rowid = catalog_searchentry.id)"
)


TOKEN_COLUMNS = ("name_tokens", "keyword_tokens", "body_tokens")


def _match_sql(parsed: search.ParsedQuery, *, any_group: bool) -> tuple[RawSQL, RawSQL, RawSQL]:
    """(matches, name_matches, rank) expressions for the current database."""
    if connection.vendor == "postgresql":
        query = search.to_tsquery(parsed.groups, any_group=any_group)
        name_query = search.to_tsquery(parsed.groups, any_group=any_group, weight="A")
        match_sql, rank_sql = _PG_MATCH, _PG_RANK
    else:
        query = search.to_fts5(parsed.groups, any_group=any_group)
        name_query = search.to_fts5(parsed.groups, any_group=any_group, column="name_tokens")
        match_sql, rank_sql = _FTS_MATCH, _FTS_RANK
    return (
        RawSQL(match_sql, [query], output_field=BooleanField()),  # noqa: S611
        RawSQL(match_sql, [name_query], output_field=BooleanField()),  # noqa: S611
        RawSQL(rank_sql, [query], output_field=FloatField()),  # noqa: S611
    )


def _filtered(*, target: str | None, life_event: str | None, department: str | None) -> QuerySet[SearchEntry]:
    qs = SearchEntry.objects.all()
    if target == TARGET_PERSON:
        qs = qs.filter(for_person=True)
    elif target == TARGET_LEGAL:
        qs = qs.filter(for_legal=True)
    if life_event:
        qs = qs.filter(Exists(SearchLifeEvent.objects.filter(entry=OuterRef("pk"), name=life_event)))
    if department:
        qs = qs.filter(department__credit_code=department)
    return qs


def item_search(
    *,
    q: str = "",
    target: str | None = None,
    life_event: str | None = None,
    department: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Published items matching a query in Chinese (or English), names first; empty query lists all.

    Every word must match; when nothing does, entries matching any word are returned (relaxed=True).
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    parsed = search.parse_query(q, synonyms=synonym_map())
    base = _filtered(target=target, life_event=life_event, department=department).select_related("department")
    if (q or "").strip() and parsed.empty:
        # Only punctuation, emoji or stop words: nothing to look for.
        return SearchResults(total=0, hits=[], query=parsed, relaxed=False, limit=limit, offset=offset)
    if parsed.empty:
        total = base.count()
        return SearchResults(
            total=total,
            hits=list(base.order_by("name", "code")[offset : offset + limit]),
            query=parsed,
            relaxed=False,
            limit=limit,
            offset=offset,
        )

    relaxed = False
    total, hits = _ranked_page(base, parsed, any_group=False, limit=limit, offset=offset)
    if total == 0 and len(parsed.groups) > 1:
        relaxed = True
        total, hits = _ranked_page(base, parsed, any_group=True, limit=limit, offset=offset)
    return SearchResults(total=total, hits=hits, query=parsed, relaxed=relaxed, limit=limit, offset=offset)


def _ranked_page(
    base: QuerySet[SearchEntry], parsed: search.ParsedQuery, *, any_group: bool, limit: int, offset: int
) -> tuple[int, list[SearchEntry]]:
    """One page of matches, name hits first, and the total.

    The total is a separate COUNT, and only when the page is full: a window count over every match
    doubled the time of broad queries (ADR 0003). The token columns are never needed for display.
    """
    match, name, rank = _match_sql(parsed, any_group=any_group)
    matches = base.filter(match)
    hits: list[SearchEntry] = list(
        matches.defer(*TOKEN_COLUMNS)
        .annotate(name_hit=name, rank=rank)
        .order_by("-name_hit", "-rank", "name", "code")[offset : offset + limit]
    )
    if len(hits) < limit and (hits or offset == 0):
        return offset + len(hits), hits  # the last page: no need to count
    return matches.count(), hits


def item_search_substring(*, q: str, limit: int = 20) -> list[SearchEntry]:
    """The naive baseline for the benchmark: `icontains` over name and summary."""
    text = search.normalise(q)
    return list(
        SearchEntry.objects.filter(Q(name__icontains=text) | Q(summary__icontains=text))
        .select_related("department")
        .order_by("name")[:limit]
    )


# --- one item -------------------------------------------------------------------------------


def implementation_get_by_code(code: str) -> Implementation:
    """A published implementation by implementation code, or by basic code when only one body implements it."""
    code = (code or "").strip()[:40]
    qs = Implementation.objects.select_related("item", "department").filter(guides__status=GuideStatus.PUBLISHED)
    impl = qs.filter(code=code).first()
    if impl is None and 0 < len(code) <= 10:
        candidates = list(qs.filter(item__basic_code=code)[:2])
        if len(candidates) == 1:
            impl = candidates[0]
    if impl is None:
        raise NotFound("未找到该事项", "No such service item", item_code=code)
    return impl


def guide_published(implementation: Implementation) -> GuideVersion:
    guide = (
        GuideVersion.objects.filter(implementation=implementation, status=GuideStatus.PUBLISHED)
        .prefetch_related("materials")
        .first()
    )
    if guide is None:
        raise NotFound("该事项暂无已发布的办事指南", "This item has no published guide")
    guide.implementation = implementation
    return guide


def guide_in_force(implementation: Implementation, *, at: dt.datetime) -> GuideVersion | None:
    """The guide version that was the published one at `at` (a decision cites the guide of its day);
    None when no version had been published by then."""
    guide = (
        GuideVersion.objects.filter(implementation=implementation, published_at__lte=at)
        .exclude(status=GuideStatus.DRAFT)
        .filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=at))
        .order_by("-number")
        .first()
    )
    if guide is not None:
        guide.implementation = implementation
    return guide


def other_implementations(implementation: Implementation) -> list[SearchEntry]:
    """Other bodies implementing the same basic item (e.g. each district's 户口登记)."""
    return list(
        SearchEntry.objects.filter(basic_code=implementation.item.basic_code)
        .exclude(implementation=implementation)
        .select_related("department")
        .order_by("department__name")
    )


# --- browsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifeEventCount:
    name: str
    name_en: str
    for_legal: bool
    count: int


def life_event_list() -> list[LifeEventCount]:
    """Life events that have published items, in the operator's order, with item counts."""
    counts = dict(
        SearchLifeEvent.objects.values_list("name")
        .annotate(n=Count("entry_id", distinct=True))
        .values_list("name", "n")
    )
    events = [
        LifeEventCount(e.name, e.name_en, e.for_legal, counts[e.name])
        for e in LifeEvent.objects.filter(name__in=counts.keys())
    ]
    return events


def life_event_get(name: str) -> LifeEventCount:
    for event in life_event_list():
        if event.name == name:
            return event
    raise NotFound("未找到该主题", "No such life event")


def department_list_with_counts() -> list[Any]:
    """Departments implementing at least one published item, with their item counts."""
    return list(
        Department.objects.annotate(
            item_count=Count("catalog_implementations__search_entry", distinct=True, output_field=IntegerField())
        )
        .filter(item_count__gt=0)
        .order_by("name")
    )


def department_get(credit_code: str) -> Department:
    department = Department.objects.filter(credit_code=(credit_code or "")[:18]).first()
    if department is None:
        raise NotFound("未找到该部门", "No such department")
    return department


def popular_items(*, limit: int = 8) -> list[SearchEntry]:
    """Most viewed published items."""
    return list(
        SearchEntry.objects.select_related("department", "implementation").order_by(
            "-implementation__view_count", "name"
        )[:limit]
    )


def hot_searches(*, limit: int = 8) -> list[str]:
    """Queries people ask most; topped up with the operators' everyday phrases."""
    queries = list(
        SearchQueryStat.objects.filter(count__gte=2).order_by("-count", "query").values_list("query", flat=True)[:limit]
    )
    if len(queries) < limit:
        for term in Synonym.objects.order_by("term").values_list("term", flat=True):
            if term not in queries:
                queries.append(term)
            if len(queries) >= limit:
                break
    return queries


# --- operator views -------------------------------------------------------------------------


def implementation_list_for_operator(*, q: str = "") -> QuerySet[Implementation]:
    """Every implementation with its published and draft version numbers, for catalogue management."""
    qs = Implementation.objects.select_related("item", "department").annotate(
        version_count=Count("guides"),
        has_draft=Exists(GuideVersion.objects.filter(implementation=OuterRef("pk"), status=GuideStatus.DRAFT)),
        has_published=Exists(GuideVersion.objects.filter(implementation=OuterRef("pk"), status=GuideStatus.PUBLISHED)),
    )
    q = search.normalise(q or "")
    if q:
        qs = qs.filter(Q(item__name__icontains=q) | Q(code__icontains=q) | Q(department__name__icontains=q))
    return qs.order_by("item__name", "code")


def implementation_get_for_operator(code: str) -> Implementation:
    impl = Implementation.objects.select_related("item", "department").filter(code=(code or "")[:40]).first()
    if impl is None:
        raise NotFound("未找到该事项", "No such service item")
    return impl


def guide_versions(implementation: Implementation) -> list[GuideVersion]:
    return list(implementation.guides.order_by("-number"))


def guide_version_get(implementation: Implementation, number: int) -> GuideVersion:
    guide = implementation.guides.prefetch_related("materials").filter(number=number).first()
    if guide is None:
        raise NotFound("未找到该版本", "No such version")
    guide.implementation = implementation
    return guide


def guide_draft_get(implementation: Implementation) -> GuideVersion | None:
    return implementation.guides.prefetch_related("materials").filter(status=GuideStatus.DRAFT).first()


def synonym_list() -> list[Synonym]:
    return list(Synonym.objects.order_by("term"))


def item_get_by_basic_code(basic_code: str) -> Item:
    item = Item.objects.filter(basic_code=basic_code).first()
    if item is None:
        raise NotFound("未找到该事项", "No such service item")
    return item
