"""Extensions created unbound and attached in create_app."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from models import db  # noqa: F401  (re-exported: one handle for the whole app)

from .i18n import _l

login_manager = LoginManager()
login_manager.login_view = 'auth.login'
login_manager.login_message = _l('请先登录')
login_manager.localize_callback = str  # flashed as plain text, in the reader's language
csrf = CSRFProtect()
migrate = Migrate()
babel = Babel()
