"""Configuration from the environment; defaults run on a laptop with SQLite under instance/."""
import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Keys published in this repository (old default, tests): anyone could sign a session or a captcha cookie with them.
PUBLIC_SECRET_KEYS = frozenset({'dev-only-change-me', 'test-secret'})
MIN_SECRET_KEY_LENGTH = 16


class UnsafeConfiguration(RuntimeError):
    """The app refuses to start (outside tests) with a configuration anyone could abuse."""


class Config:
    # Signs sessions and the captcha cookie. From the environment or, when unset there, the file `bash bin/run`
    # generates once (instance/secret_key, mode 600). Several workers or hosts must share the same key.
    SECRET_KEY = os.environ.get('SECRET_KEY')
    SECRET_KEY_FILE = os.environ.get('SECRET_KEY_FILE', str(ROOT / 'instance' / 'secret_key'))
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
    PAGE_SIZE = 20
    # Online courses (webapp/courses): a lesson's mp4 or pdf, stored like evidence (EVIDENCE_DIR) and the crediting
    # of study time (webapp/courses/study.py): heartbeats every STUDY_HEARTBEAT_SECONDS; one credits at most
    # STUDY_MAX_STEP_SECONDS of clock time (time away is not banked) and tolerates STUDY_SLACK_SECONDS of a player
    # running ahead; after STUDY_PROMPT_SECONDS of credit the learner must click 继续学习.
    COURSE_MEDIA_MAX_BYTES = int(os.environ.get('COURSE_MEDIA_MAX_MB', '500')) * 1024 * 1024
    STUDY_HEARTBEAT_SECONDS = 10
    STUDY_MAX_STEP_SECONDS = 20.0
    STUDY_SLACK_SECONDS = 2.0
    STUDY_PROMPT_SECONDS = float(os.environ.get('STUDY_PROMPT_MINUTES', '20')) * 60
    STUDY_CLOCK = None  # a function giving epoch seconds; None: time.time (tests set a frozen one)
    STATS_REFRESH_SECONDS = 600                     # the dashboards' aggregates: rebuilt by `flask worker` once older
    # Dates people type, import or platforms send fall between 1 January of EARLIEST_YEAR (EARLIEST_TITLE_YEAR for
    # the date a professional title was obtained) and 31 December of LATEST_YEARS_AHEAD years from now.
    EARLIEST_YEAR = int(os.environ.get('EARLIEST_YEAR', '2000'))
    EARLIEST_TITLE_YEAR = int(os.environ.get('EARLIEST_TITLE_YEAR', '1950'))
    LATEST_YEARS_AHEAD = int(os.environ.get('LATEST_YEARS_AHEAD', '1'))
    # Automated tests only (honoured only when TESTING): every captcha shows this text.
    CAPTCHA_TEST_ANSWER = None
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
    # E-mail (notifications, 找回密码 codes): sent by `flask worker` through this SMTP server; unset: nothing is sent
    # (the mails wait in the outbox). MAIL_USE_TLS: STARTTLS after connecting; MAIL_USE_SSL: SMTP over TLS (465).
    MAIL_SERVER = os.environ.get('MAIL_SERVER') or None
    MAIL_PORT = int(os.environ.get('MAIL_PORT', '25'))
    MAIL_USE_TLS = os.environ.get('MAIL_USE_TLS', '').lower() in ('1', 'true', 'yes', 'on')
    MAIL_USE_SSL = os.environ.get('MAIL_USE_SSL', '').lower() in ('1', 'true', 'yes', 'on')
    MAIL_USERNAME = os.environ.get('MAIL_USERNAME') or None
    MAIL_PASSWORD = os.environ.get('MAIL_PASSWORD') or None
    MAIL_SENDER = os.environ.get('MAIL_SENDER', 'creditflow@localhost')
    MAIL_TIMEOUT = float(os.environ.get('MAIL_TIMEOUT', '30'))
    MAIL_MAX_ATTEMPTS = int(os.environ.get('MAIL_MAX_ATTEMPTS', '8'))  # then the mail is given up (status failed)
    # Links in e-mails start with this address (the worker has no request to take it from).
    PUBLIC_URL = os.environ.get('PUBLIC_URL', 'http://localhost:5000').rstrip('/')
    # Learners with unsent drafts are told this many days before the registration window closes.
    DEADLINE_NOTICE_DAYS = int(os.environ.get('DEADLINE_NOTICE_DAYS', '3'))
    # Admins with open tasks are told how many once a day, from this hour (Beijing time).
    TODO_DIGEST_HOUR = int(os.environ.get('TODO_DIGEST_HOUR', '8'))
    # Each worker looks for such periodic notices (deadline, digest) at most this often.
    NOTICE_SCAN_MINUTES = float(os.environ.get('NOTICE_SCAN_MINUTES', '10'))
    # 找回密码: a code is good for this long and for this many tries; requests per account / address per hour.
    RESET_CODE_LIFETIME = timedelta(minutes=int(os.environ.get('RESET_CODE_MINUTES', '15')))
    RESET_CODE_TRIES = 5
    RESET_REQUESTS_PER_ACCOUNT = 3
    RESET_REQUESTS_PER_ADDRESS = 10
    PASSWORD_HASH_METHOD = 'scrypt'  # tests choose a cheaper one; outside TESTING it is always scrypt
    BABEL_DEFAULT_LOCALE = 'zh_CN'
    BABEL_DEFAULT_TIMEZONE = 'Asia/Shanghai'
    LANGUAGES = {'zh_CN': '中文', 'en': 'English'}  # i18n: data - each language by its own name, in every language
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = 'Lax'
    # Served over HTTPS (directly or behind a proxy): cookies (session, captcha, remember) only travel over HTTPS.
    SESSION_COOKIE_SECURE = os.environ.get('SESSION_COOKIE_SECURE', '').lower() in ('1', 'true', 'yes', 'on')
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True


def load_secret_key(config) -> None:
    """SECRET_KEY from the environment (already in *config*) or else from SECRET_KEY_FILE, when that file exists."""
    if config.get('SECRET_KEY') or not config.get('SECRET_KEY_FILE'):
        return
    try:
        config['SECRET_KEY'] = Path(config['SECRET_KEY_FILE']).read_text(encoding='utf-8').strip() or None
    except FileNotFoundError:
        pass


def refuse_unsafe(config) -> None:
    """Outside tests, refuse to start with a missing, public or short secret key: sessions could be forged."""
    if config.get('TESTING'):
        return
    key = config.get('SECRET_KEY')
    if key and key not in PUBLIC_SECRET_KEYS and len(key) >= MIN_SECRET_KEY_LENGTH:
        return
    reason = ('missing' if not key else 'a public default' if key in PUBLIC_SECRET_KEYS
              else f'shorter than {MIN_SECRET_KEY_LENGTH} characters')
    path = config.get('SECRET_KEY_FILE')
    # A start-up error for the operator, in both languages: there is no request, no reader's language yet.
    raise UnsafeConfiguration(  # i18n: data
        f'SECRET_KEY is {reason}: anyone could forge sessions. Set the SECRET_KEY environment variable to a long '
        f'random secret shared by every worker and host, or write one to {path} (bash bin/run generates it). '
        f'/ 未配置 SECRET_KEY，或它是公开的默认值、少于 {MIN_SECRET_KEY_LENGTH} 个字符：任何人都能伪造登录会话，系统拒绝启动。'
        f'请将环境变量 SECRET_KEY 设为足够长的随机密钥（所有进程和主机使用同一个），或写入文件 {path}'
        '（bash bin/run 会自动生成）。')
