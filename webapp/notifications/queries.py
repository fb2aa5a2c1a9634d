"""通知 lists: a person's notifications, newest first (the page pages through them)."""
from sqlalchemy import select

from models import Notification


def notifications_of(user_id: int):
    return select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())
