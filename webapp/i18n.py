"""Marking text for translation where `_()` cannot be called yet.

`N_('…')` leaves the text as it is but lets `pybabel extract -k N_` find it: use it for texts kept in constants and
stored or compared as data (choice values, names in a tuple), and translate them with `_()` where they are shown."""


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message
