"""Where to send people back to, without trusting a Referer header from elsewhere."""
from urllib.parse import urlsplit

from flask import request


def back_or(default: str) -> str:
    """The referring page when it is one of ours, otherwise *default*."""
    referrer = request.referrer
    if referrer and urlsplit(referrer).netloc == urlsplit(request.host_url).netloc:
        return referrer
    return default
