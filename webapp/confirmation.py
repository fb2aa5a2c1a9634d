"""Consequential actions are asked first (发布, 删除已认定学时, batch review, batch submit, 撤回). In the browser,
static/app.js shows a modal naming what will happen (the button's or form's data-confirm) and sends the form with
`confirmed=1` only once 确定 is pressed. The view asks too: a form that arrives without the field (no JavaScript, an
old page, a stray replay) gets a page saying the same, whose 确定 sends the form again with the field. So nothing
consequential happens by accident, with or without JavaScript."""
from flask import render_template, request

FIELD = 'confirmed'


def confirmed() -> bool:
    return request.form.get(FIELD) == '1'


def ask(message: str, back: str, retyped: dict | None = None):
    """The page asking "*message* 确定？" before the posted form is sent again, confirmed; 取消 goes to *back*.
    *retyped* (field name -> label): secrets such as a password are typed again there, never written into the page."""
    retyped = retyped or {}
    fields = [(name, value) for name, values in request.form.lists() if name != FIELD and name not in retyped
              for value in values]
    return render_template('confirm.html', message=message, fields=fields, action=request.path, back=back,
                           field=FIELD, retyped=retyped)
