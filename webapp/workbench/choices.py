"""The values the credit table's input columns take, as province staff call them: the seam between the workbench
(the DMN editor's cell pickers, the test bench, the saved test cases, the version diff) and the pathway catalogue.
Everything in the workbench that turns a code into a label, or offers codes by label, asks `input_choices` only."""
from ..claims.catalog import LEVEL_LABELS, PATHWAYS
from ..i18n import translated


def input_choices() -> dict[str, list[tuple[str, str]]]:
    """Input name (the DMN column's input expression) -> [(code stored in the cell, label shown)], in the reader's
    language, in the catalogue's order."""
    return {'pathway': [(code, translated(p.label)) for code, p in PATHWAYS.items()],
            'level': [(code, translated(label)) for code, label in LEVEL_LABELS.items()]}
