"""The one shape of a refusal: a Chinese message for the person who asked, optionally the form field it belongs
next to. Each feature names its own subclass (ClaimError, UnitError …); nothing was changed when one is raised."""


class Refused(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
