"""Online learning (在线学习, seed 003 §3): province staff publish courses; learners who enrolled (报名) choose
courses from the tree, study them in a player whose heartbeats the server credits honestly, take the quiz, and a
completed course counts as a learning record of its category."""
from flask import Blueprint

bp = Blueprint('courses', __name__, template_folder='templates')  # templates/courses/*.html

from . import views  # noqa: E402,F401
