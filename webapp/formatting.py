"""How numbers and times are shown to people (templates and flow-log remarks alike)."""
from datetime import timezone

from .dates import LOCAL_TZ
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
OUTCOME_LABELS = {'approve': '通过', 'reject': '不通过', 'return': '退回修改', 'submit': '提交', 'delete': '删除',
                  'withdraw': '撤回', 'accept': '接收', 'refuse': '拒绝'}


def format_outcome(value) -> str:
    return OUTCOME_LABELS.get(value, value or '')


def format_process_name(key: str) -> str:
    """claim -> 学时登记 (a process, credit table or subject type as people call it)."""
    return PROCESS_NAMES.get(key, key or '')


VERSION_STATUS_LABELS = {'draft': '草稿', 'published': '已发布', 'retired': '已停用'}


def format_version_status(status: str) -> str:
    """A process or credit-table version's status as province staff read it."""
    return VERSION_STATUS_LABELS.get(status, status)
