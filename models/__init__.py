"""All models, imported in one place so that Alembic and create_all see every table."""
from .base import Base, db, utcnow  # noqa: F401
from .org import Department, Organisation  # noqa: F401
from .people import LoginAttempt, Membership, PasswordReset, UsedCaptcha, User, mask_id_number  # noqa: F401
from .workflow import (FlowLog, MailOutbox, Notification, ProcessFailure, ProcessVersion,  # noqa: F401
                       WorkflowInstance, WorkItem)
from .claims import Claim, Evidence, RegistrationWindow, Supplement, SupplementWindow  # noqa: F401
from .imports import ImportJob, ImportRow  # noqa: F401
from .idempotency import IdempotencyKey  # noqa: F401
from .learning import LearningPlatform, LearningRecord  # noqa: F401
from .hours import LearnerHours  # noqa: F401
from .courses import Course, CourseArea, CourseEnrolment, Lesson, LessonProgress, QuizQuestion, StudySession  # noqa: F401,E501
from .certificates import Certificate, HourRecordPrint, ProfileConfirmation, certificate_claim  # noqa: F401
from .profile import Enrolment, TitleChange  # noqa: F401
from .registration import Registration  # noqa: F401
from .transfers import SuperiorChange, Transfer  # noqa: F401
from .unit_info import UnitInfoChange  # noqa: F401
from .workbench import DecisionTestCase, RolloutJob  # noqa: F401
from .catalogue import CatalogueVersion  # noqa: F401
from .stats import (StatBacklog, StatClaimMonth, StatDecisionWeek, StatDeptBacklog, StatDeptClaimMonth,  # noqa: F401
                    StatDeptDecisionWeek, StatDeptSupplementMonth, StatDeptYear, StatRefresh, StatRegistrationMonth,
                    StatSupplementMonth, StatUnitYear)
