"""Province workbench (流程与规则): edit processes and credit tables in the browser, validate, test, publish."""
from flask import Blueprint

bp = Blueprint('workbench', __name__, url_prefix='/workbench', static_folder='static',
               static_url_path='/workbench-static')

from . import catalogue_views, views  # noqa: E402,F401
