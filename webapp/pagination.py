"""The one pager every list uses: `paginate(query)` with a SELECT ordered as the list is shown.

    page = paginate(select(Claim).where(...).order_by(Claim.id.desc()))   # items: Claim objects
    page = paginate(select(WorkItem, Claim).join(...).order_by(...))      # items: (work item, claim) tuples
    {{ pager(page, 'claims.manage') }}                                    # macros/forms.html

The page number comes from ?page= (below 1 or not a number: the first page). Two statements at most: the page's
rows (one more than a page, to know whether a next page exists) and the count. Counting stops at COUNT_CAP rows: a
count of a province's million claims would cost more than the page, and nobody pages through 10,000 rows; beyond
that the pager says "more than 10,000" (`capped`) and points to the filters, while 下一页 keeps working. The count is
left out when the page itself shows where the list ends (a page that is not full).

Both statements let PostgreSQL read the list's index alone where it can. The count wraps the query in a subquery
whose columns nobody reads (PostgreSQL drops them). A list of one entity may ask to be paged by ids, with
`query.execution_options(page_by_ids=True)`: its page's ids are found first (in the list's order, from the index that
serves it, which can hold the filtered columns too) and only those rows are read, rather than every row skipped or
filtered out on the way to page 50. The query's conditions are then checked twice, so a list whose conditions are
dear (a subquery over many rows) is better paged as it is.
"""
from dataclasses import dataclass
from math import ceil

from flask import current_app, request
from sqlalchemy import func, inspect, select

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
    window = query.limit(per_page + 1).offset(offset)
    if len(query.column_descriptions) == 1:
        if query.get_execution_options().get('page_by_ids'):
            window = _rows_of_ids(query, window)
        rows = db.session.execute(window).unique().scalars().all()
    else:
        rows = [tuple(r) for r in db.session.execute(window)]
    items, has_next = rows[:per_page], len(rows) > per_page
    if items and not has_next or not items and page == 1:  # the list ends on this page
        return RowPage(items, page, per_page, offset + len(items), has_next=False)
    counted = count_up_to(query, COUNT_CAP + 1)
    return RowPage(items, page, per_page, min(counted, COUNT_CAP), capped=counted > COUNT_CAP, has_next=has_next)


def count_up_to(query, cap: int) -> int:
    """How many rows *query* has, counting no further than *cap*."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).limit(cap).subquery()))


def _rows_of_ids(query, window):
    """*query*'s rows whose primary key is among *window*'s (the page), in the query's order."""
    entity = query.column_descriptions[0]['entity']
    key = inspect(entity).primary_key if entity is not None else ()
    if len(key) != 1:
        return window
    page_ids = window.subquery()
    return query.where(key[0].in_(select(page_ids.c[key[0].name])))
