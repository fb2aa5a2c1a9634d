"""The hours estimate on the claim form answers the latest question: when the network answers out of order, an
older estimate arriving last does not overwrite the newer one (static/claims.js sequences its requests)."""
import json

from webapp.dates import today

from ..people import ZHANG_WEI
from .test_claim_path import log_in, pytestmark, shot  # noqa: F401 (the marks apply here too)

SETTLE = '() => new Promise(done => setTimeout(() => setTimeout(done, 0), 0))'  # the page's pending callbacks run


def held_until(page, held, condition):
    """Let the page run until a held request satisfies *condition* (at most about ten seconds)."""
    for _ in range(500):
        if any(condition(route.request.url) for route in held):
            return
        page.wait_for_timeout(20)
    raise AssertionError('the page did not ask for the estimate')


def test_an_older_estimate_answering_last_is_dropped(live_server, page):
    base, year = live_server, today().year
    log_in(page, base, ZHANG_WEI)
    page.goto(f'{base}/claims/new')
    stale = []

    def answer(route):  # the questions for 3 days are answered at once; the earlier ones are held
        if f'end={year}-03-03' in route.request.url:
            route.continue_()
        else:
            stale.append(route)
    page.route('**/claims/estimate?*', answer)
    page.select_option('#pathway', 'training')
    page.select_option('#sub_type', '培训班')
    page.fill('#start_date', f'{year}-03-01')
    page.fill('#end_date', f'{year}-03-01')
    page.dispatch_event('#end_date', 'change')  # asks for 1 day: held
    held_until(page, stale, lambda url: f'end={year}-03-01' in url)
    page.fill('#end_date', f'{year}-03-03')
    page.dispatch_event('#end_date', 'change')  # asks again: 3 days, answered
    page.wait_for_function("() => document.querySelector('#applied_hours').value === '18'")
    for route in stale:  # the earlier questions' answers come last
        try:
            route.fulfill(status=200, content_type='application/json', body=json.dumps({'hours': '6', 'quantity': '1'}))
        except Exception:  # noqa: BLE001 - the page cancelled that request already: nothing can arrive
            pass
    page.evaluate(SETTLE)
    assert page.input_value('#applied_hours') == '18' and page.input_value('#quantity') == '3'
    shot(page, 'claim-estimate-latest-answer')
