"""The province staff open the shipped diagrams in the editor and see the whole diagram fitted to the canvas (that no
flow runs through another element is checked on the files: tests/workflow/test_diagram_layout.py)."""
import pytest

from .test_claim_path import ARTIFACTS, log_in, pytestmark  # noqa: F401 (the marks apply here too)

# the drawn boxes of the shapes and the points of the flows, in screen pixels, from bpmn-js's own registry
GEOMETRY = '''() => {
  const box = el => el.getBoundingClientRect();
  const canvas = box(document.querySelector('#bpmn-editor'));
  const shapes = [...document.querySelectorAll('.djs-shape')].map(
    el => ({id: el.dataset.elementId, r: box(el.querySelector('.djs-visual'))}));
  return {canvas: [canvas.left, canvas.top, canvas.right, canvas.bottom],
          shapes: shapes.map(s => ({id: s.id, r: [s.r.left, s.r.top, s.r.right, s.r.bottom]}))};
}'''


@pytest.mark.parametrize('key', ['claim', 'supplement'])
def test_shipped_diagram_opens_fitted(app_and_server, page, key):
    _app, base = app_and_server
    log_in(page, base, 'shengji')
    page.set_viewport_size({'width': 2400, 'height': 1300})
    page.goto(f'{base}/workbench/bpmn/{key}/edit')
    page.wait_for_selector('#bpmn-editor[data-loaded="1"]')
    page.locator('#bpmn-editor').screenshot(path=str(ARTIFACTS / f'diagram_layout_{key}.png'))
    geometry = page.evaluate(GEOMETRY)
    left, top, right, bottom = geometry['canvas']
    for shape in geometry['shapes']:
        x1, y1, x2, y2 = shape['r']
        if x2 - x1 and y2 - y1:  # drawn (labels without text have no size)
            assert left - 1 <= x1 and x2 <= right + 1 and top - 1 <= y1 and y2 <= bottom + 1, shape['id']
