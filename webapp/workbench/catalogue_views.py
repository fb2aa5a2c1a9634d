"""认定类型目录 pages of the workbench (流程与规则): the province's catalogue versions, its draft edited pathway by
pathway as forms, publishing. Province staff only, their own province's catalogue only."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models.people import PROVINCE_ADMIN

from .. import catalogue as catalogues
from ..catalogue import UNITS
from ..permissions import current_membership, role_required
from ..refusals import Refused, flash_errors, refused
from . import bp, catalogue_operations as ops
from .forms import CatalogueForm, CataloguePublishForm, LevelsForm, PathwayForm


def _province_id() -> int:
    try:
        return ops.province_of(current_membership())
    except Refused:
        abort(403)


def _page(province_id: int, **extra):
    content, version = ops.working_content(province_id)
    base = version.sha256 if version else ''
    levels_form = extra.pop('levels_form', None) or LevelsForm(base_sha=base, levels=ops.levels_text(content))
    return render_template(
        'workbench/catalogue.html', content=content, version=version, versions=catalogues.versions_of(province_id),
        published=catalogues.published_of(province_id),
        parsed=catalogues.parse(content), units=UNITS, categories=catalogues.CATEGORY_LABELS,
        base_form=CatalogueForm(base_sha=base), levels_form=levels_form,
        publish_form=extra.pop('publish_form', None) or CataloguePublishForm(base_sha=base), **extra)


@bp.route('/catalogue/')
@login_required
@role_required(PROVINCE_ADMIN)
def catalogue():
    return _page(_province_id())


@bp.route('/catalogue/versions/<int:version_id>')
@login_required
@role_required(PROVINCE_ADMIN)
def catalogue_version(version_id: int):
    _province_id()
    version = ops.version_of(current_membership(), version_id)
    if version is None:
        abort(404)
    return render_template('workbench/catalogue_version.html', version=version,
                           parsed=catalogues.parse(version.content), units=UNITS,
                           categories=catalogues.CATEGORY_LABELS)


def _pathway_form(province_id: int, code: str | None):
    content, version = ops.working_content(province_id)
    data = next((p for p in content['pathways'] if p['code'] == code), None) if code else None
    if code and data is None:
        abort(404)
    if request.method == 'GET':
        form = PathwayForm(formdata=None, base_sha=version.sha256 if version else '',
                           **({**data, 'sub_types': '\n'.join(data['sub_types'])} if data else {}))
    else:
        form = PathwayForm()
    form.levels.choices = [(lv['code'], lv['label']) for lv in content['levels']]
    return form, data


@bp.route('/catalogue/pathways/new', methods=['GET', 'POST'])
@bp.route('/catalogue/pathways/<code>/edit', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def catalogue_pathway(code=None):
    province_id = _province_id()
    form, data = _pathway_form(province_id, code)
    if request.method == 'POST':
        if form.validate_on_submit():
            try:
                ops.save_pathway(current_membership(), form.base_sha.data, form.pathway_input(code), code)
            except Refused as exc:
                refused(exc, form)
            else:
                flash(_('已保存到草稿：发布后新登记才能使用'), 'success')
                return redirect(url_for('workbench.catalogue'))
        status = 422
    else:
        status = 200
    return render_template('workbench/catalogue_pathway.html', form=form, code=code, pathway=data), status


@bp.route('/catalogue/pathways/<code>/delete', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def catalogue_pathway_delete(code):
    _province_id()
    form = CatalogueForm()
    if form.validate_on_submit():
        try:
            ops.remove_pathway(current_membership(), form.base_sha.data, code)
            flash(_('已从草稿中删除：已登记的学时不受影响'), 'success')
        except Refused as exc:
            refused(exc)
    else:
        flash_errors(form)
    return redirect(url_for('workbench.catalogue'))


@bp.route('/catalogue/levels', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def catalogue_levels():
    province_id = _province_id()
    form = LevelsForm()
    if form.validate_on_submit():
        try:
            ops.save_levels(current_membership(), form.base_sha.data, form.levels.data)
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('级别已保存到草稿'), 'success')
            return redirect(url_for('workbench.catalogue'))
    return _page(province_id, levels_form=form), 422


@bp.route('/catalogue/publish', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def catalogue_publish():
    province_id = _province_id()
    form = CataloguePublishForm()
    if form.validate_on_submit():
        try:
            version = ops.publish(current_membership(), form.base_sha.data, form.comment.data)
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已发布认定类型目录第 %(version)s 版：新登记使用此版本，进行中的登记仍按原版本',
                    version=version.version), 'success')
            return redirect(url_for('workbench.catalogue'))
    return _page(province_id, publish_form=form), 422


@bp.route('/catalogue/discard', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def catalogue_discard():
    _province_id()
    form = CatalogueForm()
    if form.validate_on_submit():
        try:
            ops.discard(current_membership(), form.base_sha.data)
            flash(_('草稿已放弃，已发布版本不变'), 'success')
        except Refused as exc:
            refused(exc)
    return redirect(url_for('workbench.catalogue'))
