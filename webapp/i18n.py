"""Marking text for translation.

`_l('… %(name)s …', name=…)` is Flask-Babel's lazy_gettext, translated when it is shown, except that it is escaped
like any other text when a page shows it: Flask-Babel's lazy strings declare themselves safe HTML (`__html__`), so a
name interpolated into a refusal would reach the page unescaped.

`N_('…')` leaves the text as it is but lets `pybabel extract -k N_` find it: use it for texts kept in constants and
stored or compared as data (choice values, names in a tuple), and translate them with `_()` where they are shown."""
from flask_babel import gettext, pgettext
from flask_babel.speaklater import LazyString
from markupsafe import escape


class LazyText(LazyString):
    def __html__(self):
        return escape(str(self))


def _l(message: str, **variables) -> LazyText:
    return LazyText(gettext, message, **variables)


def _lp(context: str, message: str, **variables) -> LazyText:
    """_l with a context, for one Chinese word that reads differently in English where it is used (报名: the
    process "Enrolment" in lists, the verb in a sentence)."""
    return LazyText(pgettext, context, message, **variables)


def translated(value):
    """A text kept as data (marked with N_), in the reader's language: for templates, as `{{ value|translated }}`.
    Not `{{ _(value) }}`: Jinja's gettext marks its result safe HTML and %-formats it, which a user's own text
    (a sub-type typed into a claim) must not be."""
    return gettext(str(value)) if value else value


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message
