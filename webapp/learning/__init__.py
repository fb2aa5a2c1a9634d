"""Public-subject (公需) hours from online-learning platforms: the platforms' JSON API, province staff pages
(platforms, tokens, file upload) and the learner's list of records."""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint('learning', __name__, template_folder='templates')  # templates/learning/*.html
# Platforms call the API with a bearer token, not from a browser session: no CSRF token to send.
api = Blueprint('learning_api', __name__, url_prefix='/api/v1')
csrf.exempt(api)

from . import api_views, views  # noqa: E402,F401
