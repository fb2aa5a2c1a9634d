"""Rolling out process and rule changes (province): the rule impact preview, instance migration, the instance view."""
from flask import Blueprint

bp = Blueprint('rollout', __name__, url_prefix='/rollout')

from . import views  # noqa: E402,F401
