"""Serving the app to the browser."""
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from models import db


@contextmanager
def serving(app):
    """The app on a threaded HTTP server for the browser to reach: yields its base URL."""
    server = make_server('127.0.0.1', 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f'http://127.0.0.1:{server.server_port}'
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


def confirm(page, says: str | None = None) -> None:
    """Press 确定 in the confirmation modal (base.html, static/app.js) once it shows; *says*: what it must name."""
    page.wait_for_selector('#confirm-modal.show #confirm-ok', state='visible')
    if says is not None:
        assert says in page.inner_text('#confirm-text'), page.inner_text('#confirm-text')
    page.click('#confirm-ok')
