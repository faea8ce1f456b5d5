"""Domain exceptions raised by services and shown to people as clear messages."""


class BusinessRuleError(Exception):
    """A step refused by a rule of the process (wrong stage, wrong person, done already)."""

    code = "refused"
    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(BusinessRuleError):
    """The person may not take this step on this record."""

    code = "not_allowed"
    status = 403


class WrongStage(BusinessRuleError):
    """The record is not at a stage that allows this step (taken already, or out of order)."""

    code = "wrong_stage"
    status = 409


class StaleRecord(BusinessRuleError):
    """Someone else changed the record since this person opened it."""

    code = "stale"
    status = 409
