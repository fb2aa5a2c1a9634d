"""Configuration from the environment; defaults run on a laptop with SQLite under instance/."""
import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Config:
    SECRET_KEY = os.environ.get('SECRET_KEY', 'dev-only-change-me')
    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL', f"sqlite:///{ROOT / 'instance' / 'creditflow.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {'pool_pre_ping': True}
    EVIDENCE_DIR = os.environ.get('EVIDENCE_DIR', str(ROOT / 'instance' / 'evidence'))
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024           # whole request
    EVIDENCE_MAX_BYTES = 5 * 1024 * 1024            # one file
    EVIDENCE_MAX_IMAGES = 5                         # seed 000: at most 5 images per claim
    EVIDENCE_MAX_FILES = 10
    EVIDENCE_MAX_PIXELS = 40_000_000                # an image is refused by its declared size before it is decoded
    # Uploaded tables (.xlsx/CSV: the staff import, a platform's export), refused before parsing when larger
    TABLE_MAX_BYTES = 10 * 1024 * 1024              # the file as uploaded
    UPLOAD_MAX_UNPACKED_BYTES = 64 * 1024 * 1024    # an .xlsx's members, unpacked
    UPLOAD_MAX_RATIO = 100                          # unpacked / packed size of one member of more than 1 MB
    IMPORT_MAX_ROWS = 20000                         # 【导入学员培训信息】: data rows below the header
    LEARNING_UPLOAD_MAX_ROWS = 5000                 # a learning platform's export
    PATHWAY_ANNUAL_CAP = 36                         # seed 003 §4.2: each pathway at most 36 h a year
    PAGE_SIZE = 20
    # Automated tests only: every captcha shows this text. Never set it in production.
    CAPTCHA_TEST_ANSWER = os.environ.get('CAPTCHA_TEST_ANSWER')
    # A review task waiting this long notifies its reviewers; twice as long (by default) escalates it (ISO 8601).
    REVIEW_REMIND_AFTER = os.environ.get('REVIEW_REMIND_AFTER', 'P3D')
    REVIEW_ESCALATE_AFTER = os.environ.get('REVIEW_ESCALATE_AFTER', 'P7D')
    # Larger impact previews (claims) and migration batches (instances) run in `flask worker` with a progress bar.
    ROLLOUT_SYNC_CLAIMS = int(os.environ.get('ROLLOUT_SYNC_CLAIMS', '5000'))
    ROLLOUT_SYNC_INSTANCES = int(os.environ.get('ROLLOUT_SYNC_INSTANCES', '20'))
    JOB_LEASE = timedelta(minutes=int(os.environ.get('JOB_LEASE_MINUTES', '10')))  # see timers.work_one
    WORKER_POLL_SECONDS = float(os.environ.get('WORKER_POLL_SECONDS', '3'))  # imports wait at most this long
    PASSWORD_HASH_METHOD = 'scrypt'
    BABEL_DEFAULT_LOCALE = 'zh_CN'
    BABEL_DEFAULT_TIMEZONE = 'Asia/Shanghai'
    LANGUAGES = {'zh_CN': '中文', 'en': 'English'}  # i18n: data - each language by its own name, in every language
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = 'Lax'
