"""通知: the signed-in person's notifications, newest first; opening one marks it read and goes to its subject."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import update

from models import Notification, WorkItem, db, utcnow

from ..inbox_kinds import kind_for
from ..pagination import paginate
from ..urls import local_path
from . import bp, queries


@bp.route('/')
@login_required
def index():
    page = paginate(queries.notifications_of(current_user.id))
    return render_template('notifications/index.html', page=page)


@bp.route('/<int:notification_id>', methods=['POST'])
@login_required
def open_(notification_id: int):
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    note.read_at = note.read_at or utcnow()
    if note.url and local_path(note.url):
        return redirect(local_path(note.url))
    item = db.session.get(WorkItem, note.work_item_id) if note.work_item_id else None
    kind = kind_for(item.subject_type) if item else None
    summary = kind.summarise([item.subject_id]).get(item.subject_id) if kind else None
    return redirect(summary.url if summary else url_for('notifications.index'))


@bp.route('/read-all', methods=['POST'])
@login_required
def read_all():
    db.session.execute(update(Notification).where(Notification.user_id == current_user.id,
                                                  Notification.read_at.is_(None)).values(read_at=utcnow()))
    flash(_('已全部标为已读'), 'success')
    return redirect(url_for('notifications.index'))
