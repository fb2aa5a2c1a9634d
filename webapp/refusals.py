"""The one shape of a refusal, and how a page shows one.

A refusal is a Chinese message for the person who asked, optionally the form field it belongs next to, and
optionally details listed under it (the problems found in a diagram). Every refusal in webapp is a Refused
(ClaimError, UnitError, WorkflowError, DiagramError …); nothing was changed when one is raised. Views catch Refused
and hand it to refused(); this module imports nothing from webapp, so webapp/workflow may import it too."""
from flask import flash
from flask_babel import gettext as _

from models import db


class Refused(Exception):
    """*message* and *details* may be lazy (flask_babel.lazy_gettext): str(exc) is the message, followed by the
    details, in the language of whoever reads it."""

    def __init__(self, message: str, field: str | None = None, details=()):
        self.message, self.field, self.details = message, field, list(details)
        super().__init__(message)

    def __str__(self) -> str:
        if not self.details:
            return str(self.message)
        return _('%(message)s：%(details)s', message=self.message, details=_('；').join(map(str, self.details)))


def refused(exc: Refused, form=None) -> None:
    """Roll back whatever the operation did and show the message next to its field when *form* has that field,
    else flash it (and its details)."""
    db.session.rollback()
    if form is not None and exc.field and hasattr(form, exc.field):
        field = getattr(form, exc.field)
        field.errors = list(field.errors) + [str(exc.message)]
        return
    # As plain text: a lazy string would come back from the session as Markup and be shown unescaped.
    flash(str(exc.message), 'danger')
    for detail in exc.details:
        flash(str(detail), 'danger')


def attempt(action, success, form=None) -> bool:
    """Run one operation; flash its success (a message, or a function giving it once the operation is done), or roll
    back and show why it was refused (next to its field of *form*, or flashed)."""
    try:
        action()
    except Refused as exc:
        refused(exc, form)
        return False
    flash(str(success() if callable(success) else success), 'success')
    return True


def flash_errors(form) -> None:
    """A form's validation errors as flashes, for forms posted from a page that redirects back instead of showing
    the form again."""
    for errors in form.errors.values():
        flash(_('；').join(map(str, errors)), 'danger')
