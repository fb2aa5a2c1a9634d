from flask import Blueprint

bp = Blueprint('unit', __name__, url_prefix='/unit')

from . import views  # noqa: E402,F401
