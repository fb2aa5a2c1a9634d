"""All models, imported in one place so that Alembic and create_all see every table."""
from .base import Base, db, utcnow  # noqa: F401
from .org import Department, Organisation  # noqa: F401
from .people import LoginAttempt, Membership, UsedCaptcha, User, mask_id_number  # noqa: F401
from .workflow import FlowLog, Notification, ProcessFailure, ProcessVersion, WorkflowInstance, WorkItem  # noqa: F401
from .claims import Claim, Evidence, RegistrationWindow, Supplement, SupplementWindow  # noqa: F401
from .imports import ImportJob, ImportRow  # noqa: F401
from .idempotency import IdempotencyKey  # noqa: F401
from .learning import LearningPlatform, LearningRecord  # noqa: F401
from .hours import LearnerHours  # noqa: F401
from .certificates import Certificate, HourRecordPrint, ProfileConfirmation, certificate_claim  # noqa: F401
from .profile import Enrolment, TitleChange  # noqa: F401
from .registration import Registration  # noqa: F401
from .transfers import SuperiorChange, Transfer  # noqa: F401
from .workbench import DecisionTestCase, RolloutJob  # noqa: F401
from .stats import StatBacklog, StatClaimMonth, StatDecisionWeek, StatRefresh, StatUnitYear  # noqa: F401
