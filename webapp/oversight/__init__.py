from flask import Blueprint

bp = Blueprint('oversight', __name__, url_prefix='/oversight')

from . import views  # noqa: E402,F401
