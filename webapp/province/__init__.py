from flask import Blueprint

bp = Blueprint('province', __name__, url_prefix='/province')

from . import views  # noqa: E402,F401
