"""Annual requirement and progress, 《继续教育合格证书》 with public verification, and the yearly 学时记录表."""
from flask import Blueprint

bp = Blueprint('certificates', __name__, url_prefix='/certificates')
verify_bp = Blueprint('verify', __name__)  # public: /verify/<verification code>, no login

from . import views  # noqa: E402,F401
