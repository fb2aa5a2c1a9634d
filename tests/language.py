"""Switching the test client's language inside a test that holds an app context (the `ctx` fixture)."""
from flask import g, has_app_context


def switch_language(client, lang: str) -> None:
    """As the language menu does (/lang/<lang>). While a test holds an app context, its requests share one `g`,
    where Flask-Babel caches the locale of the first request: forget it, so the next page comes in *lang*."""
    client.get(f'/lang/{lang}')
    if has_app_context():
        g.pop('_flask_babel', None)
