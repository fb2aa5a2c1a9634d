"""Paging for queries that return rows of several entities (db.paginate handles single-entity queries)."""
from dataclasses import dataclass
from math import ceil

from flask import request
from sqlalchemy import func, select

from models import db


@dataclass
class RowPage:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def paginate_rows(query, per_page: int) -> RowPage:
    page = max(request.args.get('page', 1, type=int) or 1, 1)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = [tuple(r) for r in db.session.execute(query.limit(per_page).offset((page - 1) * per_page))]
    return RowPage(rows, page, per_page, total)
