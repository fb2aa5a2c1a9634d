"""Province settings use cases: the registration and supplement windows (登记开放日期 / 增补开放日期), one row per
province. Saving one re-times what waits for that window to close. Flush, never commit."""
from datetime import date

from sqlalchemy import select

from models import Membership, RegistrationWindow, SupplementWindow, db

from .. import audit
from ..claims import operations as claims
from ..supplements import operations as supplements


def stored_window(model, province_id: int):
    """The window row *model* (RegistrationWindow or SupplementWindow) the province saved, or None."""
    return db.session.scalar(select(model).where(model.province_id == province_id))


def _save(m: Membership, model, year: int, opens_on: date, closes_on: date, moved):
    window = stored_window(model, m.org_id)
    if window is None:
        window = model(province_id=m.org_id)
        db.session.add(window)
    window.year, window.opens_on, window.closes_on = year, opens_on, closes_on
    window.updated_by_id = m.user_id
    db.session.flush()
    return window, moved(m.org_id)


def set_registration_window(m: Membership, year: int, opens_on: date, closes_on: date) -> RegistrationWindow:
    """登记开放日期: the drafts of the year waiting for the window to close follow the new closing date."""
    window, count = _save(m, RegistrationWindow, year, opens_on, closes_on, claims.window_changed)
    audit.log(window.__tablename__, window.id, '设置登记开放日期', m,
              f'{window.year} 年度：{window.opens_on} 至 {window.closes_on}；{count} 条未提交事项的截止时间随之调整')
    return window


def set_supplement_window(m: Membership, year: int, opens_on: date, closes_on: date) -> SupplementWindow:
    """增补开放日期: the supplement requests and entries not yet sent follow the new closing date."""
    window, count = _save(m, SupplementWindow, year, opens_on, closes_on, supplements.window_changed)
    audit.log(window.__tablename__, window.id, '设置增补开放日期', m,
              f'增补 {window.year} 年度：{window.opens_on} 至 {window.closes_on}；{count} 条未提交事项的截止时间随之调整')
    return window
