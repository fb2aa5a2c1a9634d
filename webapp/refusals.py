"""The one shape of a refusal.

A refusal is a Chinese message for the person who asked, optionally the form field it belongs next to, and
optionally details listed under it (the problems found in a diagram). Every refusal in webapp is a Refused
(ClaimError, UnitError, WorkflowError, DiagramError …); nothing was changed when one is raised. This module imports
nothing from webapp, so webapp/workflow may import it too."""


class Refused(Exception):
    def __init__(self, message: str, field: str | None = None, details=()):
        self.message, self.field, self.details = message, field, list(details)
        super().__init__(message + '：' + '；'.join(self.details) if self.details else message)
