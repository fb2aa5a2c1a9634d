"""How numbers and times are shown to people (templates and flow-log remarks alike)."""
from datetime import timezone

from flask_babel import gettext as _

from models.workflow import DRAFT, PUBLISHED, RETIRED

from .dates import LOCAL_TZ
from .i18n import _l
from .workflow.catalog import PROCESS_NAMES


def format_hours(value) -> str:
    """18.0 -> 18, 4.5 -> 4.5; empty for None."""
    if value is None:
        return ''
    text = f'{value:f}'
    return text.rstrip('0').rstrip('.') if '.' in text else text


def format_local_time(value, fmt='%Y-%m-%d %H:%M') -> str:
    """Times are stored in UTC; people read Beijing time."""
    return value.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ).strftime(fmt) if value else ''


# What a completed inbox task's outcome means to people; processes may add outcomes of their own here.
OUTCOME_LABELS = {'approve': _l('通过'), 'reject': _l('不通过'), 'return': _l('退回修改'), 'submit': _l('提交'),
                  'delete': _l('删除'), 'withdraw': _l('撤回'), 'accept': _l('接收'), 'refuse': _l('拒绝'),
                  'agree': _l('同意'), 'cancel': _l('撤销'), 'cancelled': _l('已取消'), 'confirm': _l('确认')}


def format_outcome(value) -> str:
    return str(OUTCOME_LABELS.get(value, value or ''))


def format_process_name(key: str) -> str:
    """claim -> 学时登记 (a process, credit table or subject type as people call it), in the reader's language."""
    name = str(PROCESS_NAMES.get(key, key or ''))
    return _(name) if name else ''  # a name marked with N_() is translated here; a lazy one already was


VERSION_STATUS_LABELS = {DRAFT: _l('草稿'), PUBLISHED: _l('已发布'), RETIRED: _l('已停用')}


def format_version_status(status: str) -> str:
    """A process or credit-table version's status as province staff read it."""
    return str(VERSION_STATUS_LABELS.get(status, status))
