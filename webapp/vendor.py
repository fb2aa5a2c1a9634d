"""What the browser may load. The packages the pages use, installed from npm and served from node_modules (no CDN):
only those, not the rest of node_modules (its lock file, package manifests, build-time packages). And the
Content-Security-Policy of every page: scripts and styles only from files of this site — no inline <script>, no on…
handler, no javascript: URL, no style attribute (the pages declare their behaviour with data attributes that
static/app.js reads)."""
from pathlib import Path

from flask import Blueprint, abort, make_response, send_from_directory

NODE_MODULES = Path(__file__).resolve().parents[1] / 'node_modules'
# What the templates load: Bootstrap's CSS and script (base.html: the collapsing menu, the confirmation modal),
# bpmn-js (workbench editor, instance view), dmn-js (DMN editor), plyr (the online-course player,
# courses/player.html), Apache ECharts (the oversight dashboards: its one minified file).
PUBLISHED = ('bootstrap/dist/css/', 'bootstrap/dist/js/bootstrap.bundle.min.js', 'bpmn-js/dist/', 'dmn-js/dist/',
             'plyr/dist/', 'echarts/dist/echarts.min.js')

POLICY = {
    'default-src': "'self'",
    'script-src': "'self'",
    'style-src': "'self'",
    'img-src': "'self' data:",    # diagram-js draws a few icons from data: URLs
    'font-src': "'self' data:",   # the bpmn/dmn icon fonts are embedded in their CSS
    'connect-src': "'self'",
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'self'",
    'frame-ancestors': "'none'",
}

bp = Blueprint('vendor', __name__)


@bp.route('/vendor/<path:filename>', endpoint='static')  # url_for('vendor.static', filename=...), as before
def package_file(filename: str):
    if not filename.startswith(PUBLISHED) or any(part.startswith('.') for part in filename.split('/')):
        abort(404)
    return send_from_directory(NODE_MODULES, filename)


def content_security_policy(inline_styles: bool = False) -> str:
    policy = {**POLICY, 'style-src': "'self' 'unsafe-inline'"} if inline_styles else POLICY
    return '; '.join(f'{name} {value}' for name, value in policy.items())


def with_inline_styles(page):
    """*page* (what a view returns) allowing inline styles — never inline scripts. Only for the DMN editor: dmn-js
    positions its cells, menus and popups with style attributes it computes and adds <style> elements, so neither
    hashes nor nonces can name them."""
    response = make_response(page)
    response.headers['Content-Security-Policy'] = content_security_policy(inline_styles=True)
    return response
