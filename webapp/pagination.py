"""The one pager every list uses: `paginate(query)` with a SELECT ordered as the list is shown.

    page = paginate(select(Claim).where(...).order_by(Claim.id.desc()))   # items: Claim objects
    page = paginate(select(WorkItem, Claim).join(...).order_by(...))      # items: (work item, claim) tuples
    {{ pager(page, 'claims.manage') }}                                    # macros/forms.html

The page number comes from ?page= (below 1 or not a number: the first page). Two statements at most: the page's
rows (one more than a page, to know whether a next page exists) and the count. Counting stops at COUNT_CAP rows: a
count of a province's million claims would cost more than the page, and nobody pages through 10,000 rows — beyond
that the pager says "more than 10,000" (`capped`) and asks for a filter, while 下一页 keeps working. The count is left
out when the page itself shows where the list ends (a page that is not full).

The count selects only the query's first column (the row's id, which the list's index holds) so that PostgreSQL can
count from the index alone: the query must not use DISTINCT or GROUP BY.
"""
from dataclasses import dataclass
from math import ceil

from flask import current_app, request
from sqlalchemy import func, select

from models import db

COUNT_CAP = 10_000


@dataclass
class RowPage:
    items: list
    page: int
    per_page: int
    total: int             # rows in the list; when capped, COUNT_CAP and the list has more
    capped: bool = False
    has_next: bool = None  # None: from the total

    def __post_init__(self):
        if self.has_next is None:
            self.has_next = self.page < self.pages

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def paginate(query, per_page: int | None = None) -> RowPage:
    """The requested page of *query*: its items are entities when it selects one entity, otherwise row tuples."""
    per_page = per_page or current_app.config['PAGE_SIZE']
    page = max(request.args.get('page', 1, type=int) or 1, 1)
    offset = (page - 1) * per_page
    result = db.session.execute(query.limit(per_page + 1).offset(offset))
    rows = result.unique().scalars().all() if len(query.column_descriptions) == 1 else [tuple(r) for r in result]
    items, has_next = rows[:per_page], len(rows) > per_page
    if items and not has_next or not items and page == 1:  # the list ends on this page
        return RowPage(items, page, per_page, offset + len(items), has_next=False)
    counted = count_up_to(query, COUNT_CAP + 1)
    return RowPage(items, page, per_page, min(counted, COUNT_CAP), capped=counted > COUNT_CAP, has_next=has_next)


def count_up_to(query, cap: int) -> int:
    """How many rows *query* has, counting no further than *cap*."""
    ids = query.with_only_columns(query.selected_columns[0], maintain_column_froms=True).order_by(None).limit(cap)
    return db.session.scalar(select(func.count()).select_from(ids.subquery()))
