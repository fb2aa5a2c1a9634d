"""The values the credit table's input columns take, as province staff call them: the seam between the workbench
(the DMN editor's cell pickers, the test bench, the saved test cases, the version diff) and the province's catalogue
(webapp/catalogue.py). Everything in the workbench that turns a code into a label, or offers codes by label, asks
`input_choices` only."""
from flask import has_request_context

from ..catalogue import all_published, level_choices, member_province_id, pathway_choices
from ..i18n import translated
from ..permissions import current_membership


def input_choices(province_id: int | None = None) -> dict[str, list[tuple[str, str]]]:
    """Input name (the DMN column's input expression) -> [(code stored in the cell, label shown)], in the reader's
    language, in the catalogue's order: the province's current catalogue (by default the staff member's own); outside
    a request, every province's (pathway codes are the provinces' own)."""
    if province_id is None:
        province_id = member_province_id(current_membership() if has_request_context() else None)
    if province_id is not None:
        pathways, levels = pathway_choices(province_id), level_choices(province_id)
    else:
        every = all_published()
        pathways, levels = {}, {}  # the first province's label of a code shared by several
        for c in every:
            for p in c.pathways.values():
                pathways.setdefault(p.code, p.label)
            for code, label in c.level_labels.items():
                levels.setdefault(code, label)
        pathways, levels = list(pathways.items()), list(levels.items())
    return {'pathway': [(code, translated(label)) for code, label in pathways],
            'level': [(code, translated(label)) for code, label in levels]}
