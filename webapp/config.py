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
    # A running job renews its lease at least this often, even within a slow chunk (timers.Lease); well below JOB_LEASE
    JOB_HEARTBEAT = timedelta(seconds=int(os.environ.get('JOB_HEARTBEAT_SECONDS', '30')))
    WORKER_POLL_SECONDS = float(os.environ.get('WORKER_POLL_SECONDS', '3'))  # imports wait at most this long
    PASSWORD_HASH_METHOD = 'scrypt'
    BABEL_DEFAULT_LOCALE = 'zh_CN'
    BABEL_DEFAULT_TIMEZONE = 'Asia/Shanghai'
    LANGUAGES = {'zh_CN': '中文', 'en': 'English'}  # i18n: data - each language by its own name, in every language
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = 'Lax'
