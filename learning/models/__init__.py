"""The Learning Portal's records, one module per sub-area: items (and their timeline), the cascade, the checks."""

from .cascade import AlertRecipient, BulletinEntry, CascadeDecision, MonthlyCascade, SamMeeting, StaffAlert, TeamMeeting  # noqa: F401
from .checks import EmbeddingCheck, EmbeddingSettings, ProgressReview, Recheck  # noqa: F401
from .items import CriterionTheme, ItemEvent, LearningDeadlineSetting, LearningItem, LearningOrigin, Recurrence, Theme  # noqa: F401
