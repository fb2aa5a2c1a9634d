"""Province staff open a running claim's instance view: its own diagram is drawn by bpmn-js (served locally) with
the task it waits in highlighted."""
import pytest

from models import db
from webapp.claims import operations as ops

from ..helpers import claim_input
from ..people import ZHANG_WEI, membership
from .helpers import serving
from .test_claim_path import log_in, pytestmark, shot  # noqa: F401 (the marks apply here too)


@pytest.fixture
def server(browser_app):
    with browser_app.app_context():
        learner = membership(ZHANG_WEI, 'learner')
        claim = ops.create_claim(learner, claim_input())
        ops.submit_claim(learner, claim, 'unit')
        db.session.commit()
        instance_id = claim.instance_id
    with serving(browser_app) as base:
        yield base, instance_id


def test_the_instance_diagram_is_drawn_with_the_waiting_task_marked(server, page):
    base, instance_id = server
    log_in(page, base, 'shengji')
    page.goto(f'{base}/rollout/instances/{instance_id}')
    page.wait_for_selector('#diagram[data-rendered="yes"]')
    assert page.locator('#diagram .djs-element[data-element-id="unit_review"].waiting-task').count() == 1
    assert page.locator('#diagram .djs-element[data-element-id="final_review"].waiting-task').count() == 0
    assert page.locator('#diagram .djs-shape').count() > 20
    shot(page, 'instance-view')
