"""流程与规则: province staff edit, test and publish processes (BPMN) and credit tables (DMN). Each province owns its
versions: the staff's province (the role's organisation) is the scope of every page here."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models.people import PROVINCE_ADMIN
from models.workflow import BPMN, DMN, DRAFT

from ..confirmation import ask, confirmed
from ..permissions import current_membership, role_required
from ..refusals import Refused, flash_errors, refused
from ..vendor import with_inline_styles
from ..workflow.catalog import FORM_KEYS, HOURS_FORMS, LANES, MEANING_NAMES, ROLES, STATUSES
from ..workflow.feel import feel_decision
from . import bp, diffs, operations as ops
from .choices import input_choices
from .forms import BenchForm, CaseForm, DraftForm, PublishForm


def _province() -> int:
    """The province whose versions the page shows: the staff's own."""
    return current_membership().org_id


def _kind(kind: str) -> str:
    if kind not in ops.KINDS:
        abort(404)
    return kind


@bp.route('/')
@login_required
@role_required(PROVINCE_ADMIN)
def index():
    return render_template('workbench/index.html', rows=ops.process_list(_province()), kinds=ops.KINDS)


@bp.route('/<kind>/<key>/')
@login_required
@role_required(PROVINCE_ADMIN)
def history(kind, key):
    rows = ops.history(_province(), _kind(kind), key)
    if not rows:
        abort(404)
    return render_template('workbench/history.html', kind=kind, key=key, rows=rows, authors=ops.authors(rows),
                           kinds=ops.KINDS)


@bp.route('/<kind>/<key>/diff')
@login_required
@role_required(PROVINCE_ADMIN)
def diff(kind, key):
    try:
        a = ops.version_of(_province(), _kind(kind), key, request.args.get('a'))
        b = ops.version_of(_province(), kind, key, request.args.get('b'))
    except Refused as exc:
        refused(exc)
        return redirect(url_for('workbench.history', kind=kind, key=key))
    readable = (diffs.decision_diff(a.content, b.content) if kind == DMN
                else diffs.process_diff(a.content, b.content))
    return render_template('workbench/diff.html', kind=kind, key=key, a=a, b=b, readable=readable,
                           unified=ops.unified_diff(a, b), kinds=ops.KINDS)


def _shown(kind: str, content: str) -> str:
    """What the editor opens: a credit table's cells in the FEEL staff type, not the engine form saving stored."""
    return feel_decision(content) if kind == DMN else content


def _editor(kind, key, form, version, status=200, bench=None, bench_form=None, case_form=None, expected=None):
    problems = ops.problems_of(_province(), kind, version.content) if version.status == DRAFT else []
    context = dict(kind=kind, key=key, form=form, version=version, problems=problems, kinds=ops.KINDS,
                   problem_ids=ops.problem_element_ids(problems),
                   unsaved=status == 422,  # a refused save: the page shows unsaved edits
                   publish_form=PublishForm(draft_sha=version.sha256),
                   publish_consequence=ops.publish_consequence(kind, key, version) if version.status == DRAFT else '')
    if kind == BPMN:
        lanes = {name: ROLES[role] for name, role in LANES.items()}  # the lane's name in the diagram -> its role
        return render_template('workbench/bpmn_editor.html', roles=lanes, form_keys=FORM_KEYS,
                               statuses={label: _('%(label)s（%(meaning)s）', label=label, meaning=MEANING_NAMES[meaning])
                                         for label, meaning in STATUSES.items()},
                               decisions=ops.decision_keys(_province()), hours_forms=HOURS_FORMS,
                               **context), status
    cases = ops.run_cases(_province(), key, version.content)
    for result in cases:
        result['inputs'] = ops.described_inputs(result['case'].inputs)
    return with_inline_styles((render_template(
        'workbench/dmn_editor.html', bench=bench, bench_form=bench_form or BenchForm(),
        case_form=case_form or CaseForm(prefix='case'), cases=cases, choices=input_choices(_province()),
        outputs=ops.table_outputs(version.content), expected=expected or {},
        expect_prefix='case-' + ops.OUTPUT_PREFIX, **context), status))


@bp.route('/<kind>/<key>/edit', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def edit(kind, key):
    kind = _kind(kind)
    try:
        version = ops.working_copy(_province(), kind, key)
    except ops.WorkbenchError:
        abort(404)
    form = DraftForm()
    if request.method == 'GET':
        form.xml.data, form.base_version_id.data, form.base_sha.data = (_shown(kind, version.content), version.id,
                                                                        version.sha256)
        return _editor(kind, key, form, version)
    if form.validate_on_submit():
        try:
            draft, problems = ops.save_draft(kind, key, form.xml.data, current_membership(),
                                             form.base_version_id.data, form.base_sha.data)
        except Refused as exc:
            refused(exc)
        else:
            if problems:
                flash(_('草稿已保存（第 %(version)s 版草稿），尚有以下问题需修正后才能发布', version=draft.version), 'warning')
            else:
                flash(_('草稿已保存（第 %(version)s 版草稿），校验通过', version=draft.version), 'success')
            return redirect(url_for('workbench.edit', kind=kind, key=key))
    else:
        flash_errors(form)
    # Refused: the editor shows what was posted, so the edits are not lost.
    return _editor(kind, key, form, ops.working_copy(_province(), kind, key), 422)


@bp.route('/<kind>/<key>/publish', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def publish(kind, key):
    form = PublishForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for('workbench.edit', kind=_kind(kind), key=key))
    draft = ops.draft_of(_province(), _kind(kind), key)
    if draft is not None and not confirmed():
        return ask(ops.publish_consequence(_kind(kind), key, draft), url_for('workbench.edit', kind=kind, key=key))
    try:
        version = ops.publish(_kind(kind), key, current_membership(), form.comment.data, form.draft_sha.data or None)
    except Refused as exc:
        refused(exc)
        return redirect(url_for('workbench.edit', kind=kind, key=key))
    flash(_('已发布第 %(version)s 版：新发起的事项将使用此版本，进行中的事项仍按原版本办理', version=version.version), 'success')
    return redirect(url_for('workbench.history', kind=kind, key=key))


@bp.route('/<kind>/<key>/discard', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def discard(kind, key):
    form = PublishForm()
    try:
        ops.discard_draft(_kind(kind), key, current_membership(), form.draft_sha.data or None)
        flash(_('草稿已放弃，已发布版本不变'), 'success')
    except Refused as exc:
        refused(exc)
    return redirect(url_for('workbench.edit', kind=kind, key=key))


@bp.route('/dmn/<key>/bench', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def bench(key):
    try:
        version = ops.working_copy(_province(), DMN, key)
    except ops.WorkbenchError:
        abort(404)
    form = DraftForm(formdata=None, xml=_shown(DMN, version.content), base_version_id=version.id,
                     base_sha=version.sha256)
    bench_form = BenchForm()
    result = None
    if bench_form.validate_on_submit():
        try:
            inputs = ops.bench_inputs(request.form)
            result = ops.bench(version.content, inputs)
            result['inputs'] = inputs
        except Refused as exc:
            refused(exc)
    case_form = CaseForm(formdata=None, prefix='case', pathway=bench_form.pathway.data, level=bench_form.level.data,
                         rank=bench_form.rank.data, quantity=bench_form.quantity.data)
    return _editor(DMN, key, form, version, bench=result, bench_form=bench_form, case_form=case_form,
                   expected=result['outputs'] if result else None)


@bp.route('/dmn/<key>/cases', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def add_case(key):
    form = CaseForm(prefix='case')
    if form.validate_on_submit():
        try:
            version = ops.working_copy(_province(), DMN, key)
            inputs = ops.bench_inputs({name: getattr(form, name).data for name, _type, _refusal in ops.BENCH_INPUTS})
            expected = ops.expected_outputs(request.form, ops.table_outputs(version.content),
                                            'case-' + ops.OUTPUT_PREFIX)
            ops.add_case(key, form.name.data, inputs, expected, current_membership())
            flash(_('测试用例已保存'), 'success')
        except Refused as exc:
            refused(exc)
    else:
        flash_errors(form)
    return redirect(url_for('workbench.edit', kind=DMN, key=key))


@bp.route('/dmn/<key>/cases/<int:case_id>/delete', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def delete_case(key, case_id):
    form = BenchForm()
    if form.validate_on_submit():
        try:
            ops.delete_case(key, case_id, current_membership())
            flash(_('测试用例已删除'), 'success')
        except Refused as exc:
            refused(exc)
    return redirect(url_for('workbench.edit', kind=DMN, key=key))
