"""Statuses and kinds of an action (source 2.7 for a SIN's actions; 3.3-3.5 for learning's)."""

from django.db import models


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CARRIED = "carried", "Carried into the Learning Portal"


FINISHED_ACTION_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.CARRIED})


class ActionKind(models.TextChoices):
    """What an action is for. A SIN's own actions (2.7), and the three that learning not already
    covered by policy and practice guidance triggers (3.3, 3.4, 3.5)."""

    SIN = "sin", "Action on a serious incident"
    TRAINING_REVIEW = "training_review", "Review and update of relevant training material"
    POLICY_REVIEW = "policy_review", "Review and update to relevant policy and guidance"
    CASCADE = "cascade", "Consideration of the most appropriate method of cascading the learning"
    OTHER = "other", "Further action"
