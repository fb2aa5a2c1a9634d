"""What the inbox knows of each kind of subject (claim, registration, transfer …).

A feature registers its kind once, at import: a tab label and a function that summarises a batch of its subjects
for the inbox rows. The claim kind keeps its own richer list (filters, batch review); every other kind is listed
by the generic template from these summaries, so a new process needs no inbox code of its own. The registry sits
below the features: a feature registers here without importing the inbox, which reads it.
"""
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Summary:
    title: str                      # what the row links to: "学时登记 · 某培训班", "注册 · 某单位"
    url: str
    person_name: str = ''           # who the request is about (shown with a masked ID number)
    id_number: str = ''
    detail: str = ''                # one short extra column: hours, the new unit …


@dataclass(frozen=True)
class InboxKind:
    subject_type: str
    label: object                   # a (lazy) string: the tab title
    summarise: Callable[[list[int]], dict[int, Summary]]
    order: int = 100                # tab order; the claim tab comes first


KINDS: dict[str, InboxKind] = {}


def register(kind: InboxKind) -> InboxKind:
    KINDS[kind.subject_type] = kind
    return kind


def kind_for(subject_type: str) -> Optional[InboxKind]:
    return KINDS.get(subject_type)


def ordered() -> list[InboxKind]:
    return sorted(KINDS.values(), key=lambda k: (k.order, k.subject_type))
