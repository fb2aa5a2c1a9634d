"""Re-routes every sequence flow whose drawn path runs through a task, gateway or event other than its own source
and target: the flow keeps its first and last waypoint (where it leaves and enters its elements) and gets the
shortest orthogonal path with the fewest bends that keeps a margin around every other element. Flows already clear
are left as they are. Rewrites the diagram interchange of bpmn/*.bpmn in place; the process itself is not touched.

Run from the repository root (after the generators, which call it too): python bpmn/_tools/route_flows.py
"""
import heapq
import re
from pathlib import Path

MARGIN = 12          # the gap kept between a re-routed flow and the elements it passes
BEND = 40            # the cost of one bend, in pixels of length
SHAPE = re.compile(r'<bpmndi:BPMNShape id="[^"]+" bpmnElement="([^"]+)"[^>]*><dc:Bounds x="([-\d.]+)" '
                   r'y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/>')
EDGE = re.compile(r'(<bpmndi:BPMNEdge id="[^"]+" bpmnElement="([^"]+)"[^>]*>)((?:<di:waypoint [^>]*/>\s*)+)')
POINT = re.compile(r'<di:waypoint x="([-\d.]+)" y="([-\d.]+)"/>')
FLOW = re.compile(r'<bpmn:sequenceFlow id="([^"]+)"[^>]*?sourceRef="([^"]+)" targetRef="([^"]+)"')
NODE = re.compile(r'<bpmn:(?!sequenceFlow|lane|laneSet|process|participant|collaboration|message)\w+ id="([^"]+)"')
HOST = re.compile(r'<bpmn:boundaryEvent id="([^"]+)"[^>]*attachedToRef="([^"]+)"')


def crosses(a, b, box, pad=0.0):
    """Whether the segment a-b passes through the inside of box grown by pad (grazing the border is not)."""
    x, y, w, h = box
    lo_x, lo_y, hi_x, hi_y = x - pad + 1, y - pad + 1, x + w + pad - 1, y + h + pad - 1
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - lo_x), (dx, hi_x - a[0]), (-dy, a[1] - lo_y), (dy, hi_y - a[1])):
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


def exits(point, box):
    """The points a margin outside box straight above, below, left and right of point (on or inside box)."""
    x, y, w, h = box
    return [(point[0], y - MARGIN), (point[0], y + h + MARGIN), (x - MARGIN, point[1]), (x + w + MARGIN, point[1])]


def route(start, end, source, target, obstacles, area, borders=((), ())):
    """The orthogonal path from start (on or inside the box source) to end (on or inside target) that leaves source
    and enters target straight and keeps a margin around every other box of obstacles (which holds source and
    target too, and a boundary event's task)."""
    xs, ys = set(), set()
    for x, y, w, h in obstacles:
        xs.update((x - MARGIN, x + w + MARGIN))
        ys.update((y - MARGIN, y + h + MARGIN))
    xs.difference_update(borders[0])  # not along a pool's or lane's border, where the flow would disappear
    ys.difference_update(borders[1])
    xs.update((start[0], end[0]))
    ys.update((start[1], end[1]))
    ax, ay, aw, ah = area
    xs = sorted(v for v in xs if ax <= v <= ax + aw)
    ys = sorted(v for v in ys if ay <= v <= ay + ah)

    def clear(a, b):
        return not any(crosses(a, b, box, MARGIN - 1) for box in obstacles)

    def jump(point, box, outside):
        """Whether the straight step point..outside leaves (or enters) box without running through anything else."""
        if outside[0] not in xs or outside[1] not in ys:  # outside the pool, or on a lane's border
            return False
        inside = box[0] < point[0] < box[0] + box[2] and box[1] < point[1] < box[1] + box[3]  # drawn from the centre
        middle = ((point[0] + outside[0]) / 2, (point[1] + outside[1]) / 2)
        if not inside and box[0] <= middle[0] <= box[0] + box[2] and box[1] <= middle[1] <= box[1] + box[3]:
            return False  # from a point on the border: outwards, not along the border
        return all(not crosses(point, outside, other) or (other == box and inside) for other in obstacles)

    def heading(a, b):
        return ((b[0] > a[0]) - (b[0] < a[0]), (b[1] > a[1]) - (b[1] < a[1]))

    arrivals = {p for p in exits(end, target) if jump(end, target, p)}
    queue = []
    for p in exits(start, source):
        if jump(start, source, p):
            heapq.heappush(queue, (abs(p[0] - start[0]) + abs(p[1] - start[1]), p, heading(start, p), [start, p]))
    best = {}
    while queue:
        cost, here, going, path = heapq.heappop(queue)
        if here == end:
            return path
        if best.get((here, going), float('inf')) < cost:
            continue
        steps = [end] if here in arrivals else []
        i, j = xs.index(here[0]), ys.index(here[1])
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            if 0 <= i + di < len(xs) and 0 <= j + dj < len(ys) and clear(here, (xs[i + di], ys[j + dj])):
                steps.append((xs[i + di], ys[j + dj]))
        for there in steps:
            step = cost + abs(there[0] - here[0]) + abs(there[1] - here[1])
            if heading(here, there) != going:
                step += BEND
            if step < best.get((there, heading(here, there)), float('inf')):
                best[(there, heading(here, there))] = step
                heapq.heappush(queue, (step, there, heading(here, there), path + [there]))
    return None


def inside(point, box):
    x, y, w, h = box
    return x < point[0] < x + w and y < point[1] < y + h


def crop(points, box):
    """The flow's points, starting where it leaves box instead of inside it (as bpmn-js draws a flow it lays out)."""
    points = list(points)
    while len(points) > 2 and inside(points[0], box) and _on(points[1], box):
        points.pop(0)
    if not inside(points[0], box):
        return points
    (x1, y1), (x2, y2) = points[0], points[1]
    x, y, w, h = box
    t = 1.0
    for p, q in ((x1 - x2, x1 - x), (x2 - x1, x + w - x1), (y1 - y2, y1 - y), (y2 - y1, y + h - y1)):
        if p > 0:
            t = min(t, q / p)
    return [(x1 + t * (x2 - x1), y1 + t * (y2 - y1))] + points[1:]


def _on(point, box):
    x, y, w, h = box
    return x <= point[0] <= x + w and y <= point[1] <= y + h


def simplify(path):
    out = [path[0]]
    for here, there in zip(path[1:], path[2:]):
        prev = out[-1]
        if not ((prev[0] == here[0] == there[0]) or (prev[1] == here[1] == there[1])):
            out.append(here)
    out.append(path[-1])
    return out


def reroute(xml: str) -> str:
    shapes = {m.group(1): tuple(float(v) for v in m.group(2, 3, 4, 5)) for m in SHAPE.finditer(xml)}
    nodes = set(NODE.findall(xml))
    hosts = dict(HOST.findall(xml))
    flows = {flow: (source, target) for flow, source, target in FLOW.findall(xml)}
    pool = max((box for element, box in shapes.items() if element not in nodes), key=lambda b: b[2] * b[3])
    containers = [box for element, box in shapes.items() if element not in nodes]
    borders = ({v for x, _, w, _ in containers for v in (x, x + w)}, {v for _, y, _, h in containers for v in (y, y + h)})

    def fix(match):
        flow = match.group(2)
        if flow not in flows:
            return match.group(0)
        drawn = [(float(x), float(y)) for x, y in POINT.findall(match.group(3))]
        source, target = flows[flow]
        points = crop(crop(drawn, shapes[source])[::-1], shapes[target])[::-1]
        others = [box for element, box in shapes.items() if element in nodes and element not in (source, target)]
        if not any(crosses(a, b, box) for a, b in zip(points, points[1:])
                   for box in others + [shapes[source], shapes[target]]):
            if points == drawn:
                return match.group(0)
        else:
            path = route(drawn[0], drawn[-1], shapes[source], shapes[target],
                         others + [shapes[source], shapes[target]], pool, borders) or \
                route(drawn[0], drawn[-1], shapes[source], shapes[target],
                      others + [shapes[source], shapes[target]], pool)  # along a border when nothing else is free
            if path is None:
                return match.group(0)
            points = crop(crop(simplify(path), shapes[source])[::-1], shapes[target])[::-1]
        return match.group(1) + ''.join(f'<di:waypoint x="{x:.0f}" y="{y:.0f}"/>' for x, y in points)

    return EDGE.sub(fix, xml)


if __name__ == '__main__':
    for path in sorted(Path('bpmn').glob('*.bpmn')):
        before = path.read_text(encoding='utf-8')
        after = reroute(before)
        if after != before:
            path.write_text(after, encoding='utf-8')
            print('re-routed', path)
