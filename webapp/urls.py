"""Where to send people back to: only ever a page of this site, never one a Referer header or a link names
elsewhere."""
from urllib.parse import urlsplit, urlunsplit

from flask import request


def local_path(url: str | None) -> str | None:
    """*url* as a path of this site ('/unit/staff?page=2'), or None when it may lead anywhere else: another host, a
    scheme-relative '//host' ('///host' too), a backslash (browsers read '/\\host' as '//host'), a scheme other than
    http(s), white space or control characters (which browsers drop or a header would split on)."""
    if not url or url.startswith('//') or any(c == '\\' or c.isspace() or not c.isprintable() for c in url):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ('http', 'https') or parts.netloc != urlsplit(request.host_url).netloc:
            return None
    if not parts.path.startswith('/') or parts.path.startswith('//'):
        return None
    return urlunsplit(('', '', parts.path, parts.query, ''))


def back_or(default: str) -> str:
    """The referring page when it is one of ours, otherwise *default*."""
    return local_path(request.referrer) or default
