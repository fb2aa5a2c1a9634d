"""JSON API for learning platforms: POST /api/v1/learning-records with `Authorization: Bearer <token>`.
Every answer is JSON; bad input gets 400 or a per-record error, never a 500. Messages are in the request's language:
Chinese (the default) unless the session chose another."""
import json
from pathlib import Path

from flask import current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from ..i18n import _l
from . import api
from . import operations as ops

OPENAPI = Path(__file__).with_name('openapi.json')


def _error(status: int, message, **headers):
    """*message*: a lazy text, given to JSON as text in the request's language."""
    return jsonify(error=str(message)), status, headers


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get('Authorization', '').partition(' ')
    return (token.strip() or None) if scheme.lower() == 'bearer' else None


@api.post('/learning-records')
def learning_records():
    platform = ops.platform_for_token(_bearer_token())
    if platform is None:
        return _error(401, _l('缺少令牌、令牌无效或平台已停用'), **{'WWW-Authenticate': 'Bearer'})
    try:
        body = request.get_json(force=True)
    except (BadRequest, RecursionError):  # not JSON; or nested deeper than the parser goes
        body = None
    records = body.get('records') if isinstance(body, dict) else None
    if not isinstance(records, list):
        return _error(400, _l('请求体应为 JSON 对象，并包含 records 数组'))
    if not records:
        return _error(400, _l('records 数组为空'))
    if len(records) > ops.MAX_RECORDS:
        return _error(400, _l('每次最多报送 %(max)s 条记录，本次 %(count)s 条', max=ops.MAX_RECORDS, count=len(records)))
    results = ops.import_records(platform, records)
    return jsonify(results=[r.as_dict() for r in results], **ops.summary(results))


@api.get('/openapi.json')
def openapi():
    return current_app.response_class(OPENAPI.read_bytes(), mimetype='application/json')


@api.errorhandler(413)
def too_large(error):
    return _error(413, _l('请求体过大'))


@api.errorhandler(400)
def bad_request(error):
    return _error(400, _l('请求无效'))


@api.errorhandler(json.JSONDecodeError)
def not_json(error):
    return _error(400, _l('请求体不是有效的 JSON'))
