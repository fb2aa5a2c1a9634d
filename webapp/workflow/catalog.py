"""What diagrams may name: lanes (roles), form keys and status labels known to the code."""
from ..i18n import _l, _lp

# Lanes are roles. The task's scope (which unit / department / supervisor) comes from the subject, not the lane.
ROLES = {'learner': _l('专技人员'), 'unit_admin': _l('单位管理员'), 'supervisor': _l('主管部门'),
         'province': _l('省级/学时办'), 'hr': _l('人社部门')}
# What a lane is named in a diagram: the role in the words of the province staff who edit it. (Diagrams saved
# before lanes were named so use the role's key: still read, see role_of_lane.)
LANES = {'专技人员': 'learner', '单位管理员': 'unit_admin', '主管部门': 'supervisor',  # i18n: data - in the diagrams
         '省级/学时办': 'province', '人社部门': 'hr'}  # i18n: data - the names stored in the diagrams


def role_of_lane(name: str | None) -> str | None:
    """The role a lane (its name in the diagram) stands for; None for a lane of no known role."""
    return name if name in ROLES else LANES.get(name)


# Process key (and the subject type of its instances) -> what people call it.
PROCESS_NAMES = {'claim': _l('学时登记'), 'supplement': _l('增补'), 'registration': _l('注册'),
                 'enrolment': _lp('process', '报名'), 'title_change': _l('职称变更'), 'transfer': _l('单位调转'),
                 'superior_change': _l('更换上级部门'), 'unit_info_change': _l('修改单位信息'), 'credit_hours': _l('学时折算表'),
                 'annual_requirement': _l('年度学时要求')}

# formKey -> title. A user task naming any other key is refused when its diagram is loaded.
FORM_KEYS = {
    'claim_edit': _l('学时登记表'),
    'claim_unit_review': _l('学时登记单位初审'),
    'claim_final_review': _l('学时登记终审'),
    'supplement_request': _l('增补申请（提交或撤销）'),
    'supplement_unit_agree': _l('单位审批增补申请（同意/拒绝）'),
    'supplement_fill': _l('填报增补学时'),
    'supplement_unit_review': _l('增补学时企业审核'),
    'supplement_final_review': _l('增补学时学时办审核'),
    'enrolment_review': _l('单位审核报名'),
    'enrolment_edit': _l('修改报名资料'),
    'title_review': _l('单位审核职称变更'),
    'registration_review': _l('注册审核（通过/驳回）'),
    'transfer_out_review': _l('单位调转：原单位审核（同意转出/不同意）'),
    'transfer_in_review': _l('单位调转：新单位审核（同意转入/不同意）'),
    'transfer_accept': _l('人员调出：新单位接收（接收/拒绝）'),
    'superior_old_review': _l('更换上级部门：原上级审核（同意/不同意）'),
    'superior_new_review': _l('更换上级部门：新上级审核（同意/不同意）'),
    'unit_info_review': _l('修改单位信息：上级审核（同意/不同意）'),
}

# Review forms that record hours: 审核学时 on a step before the last, 登记学时 (the hours that count) on the step that
# grants them. Which user task grants is its `grantsHours` property ("true"), not its form: a province where the unit's
# approval is final marks the unit's review (seed 001), one with a third tier marks the last of the three.
HOURS_FORMS = ('claim_unit_review', 'claim_final_review', 'supplement_unit_review', 'supplement_final_review')
GRANTS_HOURS = 'grantsHours'
# Diagrams stored before the property existed name no task with it: there the final review forms grant the hours.
LEGACY_GRANTING_FORMS = ('claim_final_review', 'supplement_final_review')


def grants_hours(props: dict, declared_anywhere: bool) -> bool:
    """Whether a user task with extension properties *props* grants 登记学时; *declared_anywhere*: whether some task of
    its diagram names `grantsHours` (if none does, the diagram predates it and its final review forms grant)."""
    if GRANTS_HOURS in props:
        return props[GRANTS_HOURS] == 'true'
    return not declared_anywhere and props.get('formKey') in LEGACY_GRANTING_FORMS


# Service tasks a diagram may call: name -> title. The Python behind each lives in code (runtime.SERVICE_HANDLERS).
SERVICE_TASKS = {
    'notify_assignees': _l('提醒办理人（站内通知）'),
    'escalate_overdue': _l('超期：上报上一级待办'),
}

# Status label -> what it means to the code. Provinces rename steps by choosing other labels from this list
# (seed 000 and 003 names included); the meaning decides e.g. whether the claim's hours count.
DRAFT, PENDING, RETURNED = 'draft', 'pending', 'returned'
APPROVED, REJECTED, DELETED = 'approved', 'rejected', 'deleted'
STATUSES = {  # i18n: data (the labels diagrams name, stored in status_label and matched as they are)
    '待提交': DRAFT, '个人保存': DRAFT, '未提交': DRAFT,
    '待初审': PENDING, '待终审': PENDING, '个人上报': PENDING, '企业审核通过': PENDING,
    '等待单位审核': PENDING, '等待主管部门审核': PENDING, '待学时办审核': PENDING, '待省级审核': PENDING,
    '退回修改': RETURNED,
    '通过认定': APPROVED, '终审通过': APPROVED, '主管部门审核通过': APPROVED, '省级备案': APPROVED,
    '不予认定': REJECTED, '企业审核不通过': REJECTED, '省级审核不通过': REJECTED, '单位审核不通过': REJECTED,
    '已删除': DELETED, '已撤销': DELETED,
    # Drafts the learner can no longer send: the window (登记/增补开放日期) closed first. They stay drafts.
    '已截止': DRAFT,
    # Supplement request (增补申请, seed 000): 已申请 -> 个人申请中 -> 同意 (fill in entries) | 不同意.
    '已申请': DRAFT, '个人申请中': PENDING, '同意': DRAFT, '不同意': REJECTED,
    # Enrolment (报名, seed 003) and title change (职称变更, seed 004).
    '待单位审核': PENDING, '已报名': APPROVED, '审核不通过': RETURNED, '已生效': APPROVED,
    # Registration (注册, seed 004): 注册审核中 -> 已注册 | 注册未通过 | 已撤回 (the applicant withdrew it).
    '注册审核中': PENDING, '已注册': APPROVED, '注册未通过': REJECTED, '已撤回': DELETED,
    # Transfer (单位调转 / 人员调出, seed 004): the old unit, then the new unit; a unit-initiated one only the new.
    '待原单位审核': PENDING, '待新单位审核': PENDING, '待新单位接收': PENDING, '已调入': APPROVED,
    '原单位不同意': REJECTED, '新单位不同意': REJECTED, '新单位拒绝接收': REJECTED,  # 已撤回: see registration
    # Superior change (更换上级部门, seed 004): the old superior, then the new one (of a 同级人社部门: the old and the
    # new 人社部门).
    '待原上级审核': PENDING, '待新上级审核': PENDING, '已更换': APPROVED, '原上级不同意': REJECTED,
    '新上级不同意': REJECTED, '待原人社部门审核': PENDING, '待新人社部门审核': PENDING,
    # 修改单位信息 (seed 004): the superior approves a new name, 统一社会信用代码 or licence (已撤回: see registration).
    '待上级审核': PENDING, '已变更': APPROVED, '上级不同意': REJECTED,
}
# The order lists offer status labels in (tabs, filters): by what they mean, then as the diagram names them.
MEANING_ORDER = (DRAFT, RETURNED, PENDING, APPROVED, REJECTED, DELETED)
# The colour (Bootstrap) of a status badge, by what the label means: a renamed step keeps its colour.
MEANING_COLORS = {DRAFT: 'secondary', RETURNED: 'danger', PENDING: 'warning', APPROVED: 'success', REJECTED: 'dark',
                  DELETED: 'light'}


# What each meaning is called where a label is chosen (the BPMN editor offers "个人上报（审核中）").
MEANING_NAMES = {DRAFT: _l('草稿'), RETURNED: _l('退回待修改'), PENDING: _l('审核中'), APPROVED: _l('通过，计入学时'),
                 REJECTED: _l('不通过'), DELETED: _l('已删除')}


def status_color(label: str) -> str:
    return MEANING_COLORS.get(STATUSES.get(label), 'primary')
