"""In-app notifications, and the two service tasks diagrams call when a task waits too long: remind its assignees
(notify_assignees) and put it in the next level's inbox as overdue (escalate_overdue)."""
from flask import Blueprint

bp = Blueprint('notifications', __name__, url_prefix='/notifications')

from . import reminders, views  # noqa: E402,F401
