"""The Learning Portal's records, one module per sub-area: items (and their timeline), the cascade, the checks."""

from .items import CriterionTheme, ItemEvent, LearningDeadlineSetting, LearningItem, LearningOrigin, Recurrence, Theme  # noqa: F401
