"""The shipped diagrams are readable for the province staff who edit them: no sequence flow runs through a task,
gateway or event (its own ends it only touches at their border), every element of the process is drawn, and a
boundary timer's label never prints over its task's name."""
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

BPMN = Path(__file__).resolve().parents[2] / 'bpmn'
NS = {'bpmn': 'http://www.omg.org/spec/BPMN/20100524/MODEL',
      'bpmndi': 'http://www.omg.org/spec/BPMN/20100524/DI',
      'dc': 'http://www.omg.org/spec/DD/20100524/DC',
      'di': 'http://www.omg.org/spec/DD/20100524/DI'}
DIAGRAMS = sorted(BPMN.glob('*.bpmn'))
CONTAINERS = {'laneSet', 'lane', 'participant', 'collaboration'}


def _local(tag):
    return tag.rsplit('}', 1)[-1]


def _load(path):
    root = ET.parse(path).getroot()
    process = root.find('bpmn:process', NS)
    kinds = {el.get('id'): _local(el.tag) for el in process if el.get('id')}
    shapes = {}
    labels = {}
    for shape in root.iter(f'{{{NS["bpmndi"]}}}BPMNShape'):
        b = shape.find('dc:Bounds', NS)
        shapes[shape.get('bpmnElement')] = tuple(float(b.get(k)) for k in ('x', 'y', 'width', 'height'))
        label = shape.find('bpmndi:BPMNLabel/dc:Bounds', NS)
        if label is not None:
            labels[shape.get('bpmnElement')] = tuple(float(label.get(k)) for k in ('x', 'y', 'width', 'height'))
    edges = {}
    for edge in root.iter(f'{{{NS["bpmndi"]}}}BPMNEdge'):
        edges[edge.get('bpmnElement')] = [(float(p.get('x')), float(p.get('y')))
                                          for p in edge.findall('di:waypoint', NS)]
    flows = {el.get('id'): (el.get('sourceRef'), el.get('targetRef'))
             for el in process.findall('bpmn:sequenceFlow', NS)}
    hosts = {el.get('id'): el.get('attachedToRef') for el in process.findall('bpmn:boundaryEvent', NS)}
    return kinds, shapes, labels, edges, flows, hosts


def _crosses(segment, box):
    """Whether the segment passes through the inside of the box (running along or touching its border is not)."""
    (x1, y1), (x2, y2) = segment
    x, y, w, h = box
    inside = (x + 1, y + 1, x + w - 1, y + h - 1)  # a pixel of tolerance: a flow may graze a border
    # Liang-Barsky clipping against the open interior
    t0, t1 = 0.0, 1.0
    dx, dy = x2 - x1, y2 - y1
    for p, q in ((-dx, x1 - inside[0]), (dx, inside[2] - x1), (-dy, y1 - inside[1]), (dy, inside[3] - y1)):
        if p == 0:
            if q <= 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    return t0 < t1


def flow_crossings(path):
    """(flow, element) for every drawn flow running through the inside of an element: any other element (a boundary
    event's task included), and its own source and target too (a flow starts and ends on their border)."""
    kinds, shapes, _, edges, flows, _ = _load(path)
    found = []
    for flow, (source, target) in flows.items():
        points = edges.get(flow, [])
        for element, box in shapes.items():
            if kinds.get(element, 'laneSet') in CONTAINERS:
                continue
            if any(_crosses(seg, box) for seg in zip(points, points[1:])):
                found.append((flow, element))
    return found


@pytest.mark.parametrize('path', DIAGRAMS, ids=lambda p: p.name)
def test_no_flow_runs_through_another_element(path):
    assert flow_crossings(path) == []


@pytest.mark.parametrize('path', DIAGRAMS, ids=lambda p: p.name)
def test_every_element_and_flow_is_drawn(path):
    kinds, shapes, _, edges, flows, _ = _load(path)
    nodes = {el for el, kind in kinds.items() if kind not in CONTAINERS | {'sequenceFlow'}}
    assert nodes - set(shapes) == set()
    assert set(flows) - set(edges) == set()
    assert all(len(edges[flow]) >= 2 for flow in flows)


@pytest.mark.parametrize('path', DIAGRAMS, ids=lambda p: p.name)
def test_boundary_labels_stay_off_the_task_name(path):
    _, shapes, labels, _, _, hosts = _load(path)
    for event, host in hosts.items():
        if event not in labels:
            continue
        lx, ly, lw, lh = labels[event]
        hx, hy, hw, hh = shapes[host]
        # bpmn-js prints the task's name inside its box: the label must not overlap the box
        overlaps = lx < hx + hw and hx < lx + lw and ly < hy + hh and hy < ly + lh
        assert not overlaps, (event, host)
