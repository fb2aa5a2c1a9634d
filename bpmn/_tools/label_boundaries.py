"""Places the label of every boundary event outside its task, so that it never prints over the task's name: above
the event when it sits on the task's top edge, below it on the bottom edge, beside it on a side edge (two labels
side by side on one edge are staggered). Rewrites the diagram interchange of bpmn/*.bpmn in place; the process itself is not touched.

Run from the repository root: python bpmn/_tools/label_boundaries.py
"""
import re
from pathlib import Path

LINE = 14            # a label's line height (bpmn-js draws 11 px text)
CHAR = 12            # about the width of one Chinese character there
SHAPE = re.compile(r'(<bpmndi:BPMNShape id="[^"]+" bpmnElement="([^"]+)"[^>]*>)<dc:Bounds x="([\d.]+)" y="([\d.]+)" '
                   r'width="([\d.]+)" height="([\d.]+)"/>(?:<bpmndi:BPMNLabel>.*?</bpmndi:BPMNLabel>)?'
                   r'(</bpmndi:BPMNShape>)')
BOUNDARY = re.compile(r'<bpmn:boundaryEvent id="([^"]+)" name="([^"]*)" attachedToRef="([^"]+)"')


def relabel(xml: str) -> str:
    bounds = {m.group(2): tuple(float(v) for v in m.group(3, 4, 5, 6)) for m in SHAPE.finditer(xml)}
    events = {event: (name, host) for event, name, host in BOUNDARY.findall(xml)}
    taken = []  # label boxes placed so far: (x, y, width)

    def place(match):
        element = match.group(2)
        if element not in events or not events[element][0]:
            return match.group(0)
        name, host = events[element]
        x, y, w, h = bounds[element]
        hx, hy, hw, hh = bounds[host]
        width = CHAR * len(name) + 4
        lx = x + w / 2 - width / 2
        on_top = y + h / 2 <= hy + hh / 2
        ly = y - LINE - 2 if on_top else y + h + 2
        if abs(x + w / 2 - hx) < 1 or abs(x + w / 2 - hx - hw) < 1:  # on the left or right edge: beside it, outside
            lx = x - width - 2 if abs(x + w / 2 - hx) < 1 else x + w + 2
            ly = y + h / 2 - LINE / 2
        while any(abs(ly - ty) < LINE and lx < tx + tw and tx < lx + width for tx, ty, tw in taken):
            ly += -LINE if on_top else LINE  # staggered: away from the task
        taken.append((lx, ly, width))
        return (f'{match.group(1)}<dc:Bounds x="{match.group(3)}" y="{match.group(4)}" width="{match.group(5)}" '
                f'height="{match.group(6)}"/><bpmndi:BPMNLabel><dc:Bounds x="{lx:.0f}" y="{ly:.0f}" '
                f'width="{width}" height="{LINE}"/></bpmndi:BPMNLabel>{match.group(7)}')

    return SHAPE.sub(place, xml)


if __name__ == '__main__':
    for path in sorted(Path('bpmn').glob('*.bpmn')):
        before = path.read_text(encoding='utf-8')
        after = relabel(before)
        if after != before:
            path.write_text(after, encoding='utf-8')
            print('relabelled', path)
