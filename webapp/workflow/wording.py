"""How the workflow's messages list several things, in the reader's language: names joined with 、 (English ", "),
problems with ； (English "; "). Items may be lazy texts; the result is a plain str."""
from flask_babel import gettext as _


def names(items) -> str:
    """Names in one sentence: 'learner、unit_admin'."""
    return _('、').join(map(str, items))


def problems(items) -> str:
    """Several problems as one message."""
    return _('；').join(map(str, items))
