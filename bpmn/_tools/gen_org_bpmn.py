"""Generates bpmn/transfer.bpmn and bpmn/superior_change.bpmn (semantic XML + diagram interchange).

Run from the repository root: python bpmn/_tools/gen_org_bpmn.py
"""
from label_boundaries import relabel  # (bpmn/_tools is the script's folder)
from route_flows import reroute

HEAD = '''<?xml version="1.0" encoding="UTF-8"?>
<!-- {comment} -->
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="{key}_definitions" targetNamespace="http://creditflow.cn/bpmn">
'''
SIZE = {'startEvent': (36, 36), 'endEvent': (36, 36), 'userTask': (100, 80), 'exclusiveGateway': (50, 50),
        'boundaryMessage': (36, 36)}


class Diagram:
    def __init__(self, key, title, comment, lanes, messages=()):
        self.key, self.title, self.comment, self.lanes, self.messages = key, title, comment, lanes, messages
        self.nodes, self.flows = {}, []

    def node(self, i, kind, name, lane, x, y, **extra):
        self.nodes[i] = dict(kind=kind, name=name, lane=lane, x=x, y=y, **extra)

    def flow(self, i, s, t, name=None, cond=None):
        self.flows.append(dict(id=i, s=s, t=t, name=name, cond=cond))

    def write(self, path, width, height):
        N, F = self.nodes, self.flows
        for n in N.values():
            if n['kind'] == 'boundaryMessage':
                a = N[n['attached']]
                n['x'], n['y'] = a['x'] + n.get('dx', 62), a['y'] + 62
            n['w'], n['h'] = SIZE[n['kind']]
        out = [HEAD.format(comment=self.comment, key=self.key)]
        for m in self.messages:
            out.append(f'  <bpmn:message id="{m}" name="{m}"/>\n')
        out.append(f'  <bpmn:collaboration id="{self.key}_collaboration">\n'
                   f'    <bpmn:participant id="{self.key}_participant" name="{self.title}" processRef="{self.key}"/>\n'
                   f'  </bpmn:collaboration>\n'
                   f'  <bpmn:process id="{self.key}" name="{self.title}" isExecutable="true">\n'
                   f'    <bpmn:laneSet id="{self.key}_lanes">\n')
        for lid, lname, _y, _h in self.lanes:
            refs = ''.join(f'\n        <bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>' for i, n in N.items() if n['lane'] == lid)
            out.append(f'      <bpmn:lane id="{lid}" name="{lname}">{refs}\n      </bpmn:lane>\n')
        out.append('    </bpmn:laneSet>\n')
        for i, n in N.items():
            inc = ''.join(f'\n      <bpmn:incoming>{f["id"]}</bpmn:incoming>' for f in F if f['t'] == i)
            outg = ''.join(f'\n      <bpmn:outgoing>{f["id"]}</bpmn:outgoing>' for f in F if f['s'] == i)
            k = n['kind']
            if k == 'boundaryMessage':
                out.append(f'    <bpmn:boundaryEvent id="{i}" name="{n["name"]}" attachedToRef="{n["attached"]}" '
                           f'cancelActivity="true">{outg}\n'
                           f'      <bpmn:messageEventDefinition id="{i}_def" messageRef="{n["message"]}"/>\n'
                           f'    </bpmn:boundaryEvent>\n')
                continue
            default = f' default="{n["default"]}"' if 'default' in n else ''
            out.append(f'    <bpmn:{k} id="{i}" name="{n["name"]}"{default}>{_props(n)}{inc}{outg}\n    </bpmn:{k}>\n')
        for f in F:
            name = f' name="{f["name"]}"' if f['name'] else ''
            if f['cond']:
                out.append(f'    <bpmn:sequenceFlow id="{f["id"]}"{name} sourceRef="{f["s"]}" targetRef="{f["t"]}">\n'
                           f'      <bpmn:conditionExpression>{f["cond"]}</bpmn:conditionExpression>\n'
                           f'    </bpmn:sequenceFlow>\n')
            else:
                out.append(f'    <bpmn:sequenceFlow id="{f["id"]}"{name} sourceRef="{f["s"]}" targetRef="{f["t"]}"/>\n')
        out.append(f'  </bpmn:process>\n  <bpmndi:BPMNDiagram id="{self.key}_diagram">\n'
                   f'    <bpmndi:BPMNPlane id="{self.key}_plane" bpmnElement="{self.key}_collaboration">\n')
        out.append(f'      <bpmndi:BPMNShape id="{self.key}_participant_di" bpmnElement="{self.key}_participant" '
                   f'isHorizontal="true"><dc:Bounds x="0" y="0" width="{width}" height="{height}"/></bpmndi:BPMNShape>\n')
        for lid, _n, y, h in self.lanes:
            out.append(f'      <bpmndi:BPMNShape id="{lid}_di" bpmnElement="{lid}" isHorizontal="true">'
                       f'<dc:Bounds x="30" y="{y}" width="{width - 30}" height="{h}"/></bpmndi:BPMNShape>\n')
        for i, n in N.items():
            out.append(f'      <bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}"><dc:Bounds x="{n["x"]}" y="{n["y"]}" '
                       f'width="{n["w"]}" height="{n["h"]}"/></bpmndi:BPMNShape>\n')
        for f in F:
            s, t = N[f['s']], N[f['t']]
            sx, sy = s['x'] + s['w'] // 2, s['y'] + s['h'] // 2
            tx, ty = t['x'] + t['w'] // 2, t['y'] + t['h'] // 2
            if s['kind'] == 'boundaryMessage':
                sy = s['y'] + s['h']
            if abs(sy - ty) < 2:
                pts = [(s['x'] + s['w'], sy), (t['x'], ty)] if tx > sx else [(s['x'], sy), (t['x'] + t['w'], ty)]
            else:
                mid = (sx + tx) // 2 if abs(tx - sx) > 60 else sx
                pts = [(sx, sy), (mid, sy), (mid, ty), (tx, ty)] if mid != sx else [(sx, sy), (sx, ty), (tx, ty)]
            out.append(f'      <bpmndi:BPMNEdge id="{f["id"]}_di" bpmnElement="{f["id"]}">'
                       + ''.join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in pts) + '</bpmndi:BPMNEdge>\n')
        out.append('    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n')
        with open(path, 'w', encoding='utf-8') as fh:
            fh.write(reroute(relabel(''.join(out))))  # boundary labels off the tasks, flows around them


def _props(n):
    items = [(k, n[a]) for k, a in (('formKey', 'form'), ('statusLabel', 'label'), ('scope', 'scope')) if a in n]
    if not items:
        return ''
    inner = ''.join(f'\n          <spiffworkflow:property name="{k}" value="{v}"/>' for k, v in items)
    return (f'\n      <bpmn:extensionElements>\n        <spiffworkflow:properties>{inner}\n'
            f'        </spiffworkflow:properties>\n      </bpmn:extensionElements>')


def transfer():
    d = Diagram('transfer', '单位调转', (
        '单位调转 (seed 004). initiated_by == "learner": the learner asks, the old unit approves the transfer out '
        '(待原单位审核), then the new unit the transfer in (待新单位审核). initiated_by == "unit" (人员调出): the old '
        'unit sends a member, the new unit accepts or refuses (待新单位接收). Either unit may refuse with a reason; '
        'the initiator may withdraw while a review waits (message withdraw_transfer). 已调入: the code moves her '
        'learner membership to the new unit.'),
        [('lane_learner', '专技人员', 0, 200), ('lane_old_unit', '单位管理员', 200, 200),
         ('lane_new_unit', '单位管理员', 400, 320)], messages=('withdraw_transfer',))
    L, O, N = 'lane_learner', 'lane_old_unit', 'lane_new_unit'
    d.node('start', 'startEvent', '发起调转', L, 70, 82)
    d.node('initiated', 'exclusiveGateway', '谁发起', L, 150, 75, default='f_by_learner')
    d.node('out_review', 'userTask', '原单位审核转出', O, 250, 250, form='transfer_out_review', label='待原单位审核',
           scope='old_unit')
    d.node('withdraw_out', 'boundaryMessage', '撤回', O, 0, 0, attached='out_review', message='withdraw_transfer')
    d.node('out_decision', 'exclusiveGateway', '原单位是否同意', O, 400, 265, default='f_out_refuse')
    d.node('end_refused_old', 'endEvent', '原单位不同意', O, 407, 350, label='原单位不同意')
    d.node('in_review', 'userTask', '新单位审核转入', N, 470, 440, form='transfer_in_review', label='待新单位审核',
           scope='new_unit')
    d.node('withdraw_in', 'boundaryMessage', '撤回', N, 0, 0, attached='in_review', message='withdraw_transfer')
    d.node('in_decision', 'exclusiveGateway', '新单位是否同意', N, 620, 455, default='f_in_refuse')
    d.node('end_refused_new', 'endEvent', '新单位不同意', N, 627, 535, label='新单位不同意')
    d.node('accept', 'userTask', '新单位接收', N, 470, 600, form='transfer_accept', label='待新单位接收',
           scope='new_unit')
    d.node('withdraw_accept', 'boundaryMessage', '撤回', N, 0, 0, attached='accept', message='withdraw_transfer')
    d.node('accept_decision', 'exclusiveGateway', '是否接收', N, 620, 615, default='f_accept_refuse')
    d.node('end_refused_accept', 'endEvent', '新单位拒绝接收', N, 720, 622, label='新单位拒绝接收')
    d.node('approved', 'exclusiveGateway', '调入', N, 760, 455)
    d.node('end_transferred', 'endEvent', '已调入', N, 860, 462, label='已调入')
    d.node('withdrawn', 'exclusiveGateway', '撤回', L, 760, 75)
    d.node('end_withdrawn', 'endEvent', '已撤回', L, 860, 82, label='已撤回')
    d.flow('f_start', 'start', 'initiated')
    d.flow('f_by_learner', 'initiated', 'out_review', '专技人员申请')
    d.flow('f_by_unit', 'initiated', 'accept', '单位调出', 'initiated_by == "unit"')
    d.flow('f_out_done', 'out_review', 'out_decision')
    d.flow('f_out_approve', 'out_decision', 'in_review', '同意转出', 'decision == "approve"')
    d.flow('f_out_refuse', 'out_decision', 'end_refused_old', '不同意')
    d.flow('f_in_done', 'in_review', 'in_decision')
    d.flow('f_in_approve', 'in_decision', 'approved', '同意转入', 'decision == "approve"')
    d.flow('f_in_refuse', 'in_decision', 'end_refused_new', '不同意')
    d.flow('f_accept_done', 'accept', 'accept_decision')
    d.flow('f_accept_approve', 'accept_decision', 'approved', '接收', 'decision == "approve"')
    d.flow('f_accept_refuse', 'accept_decision', 'end_refused_accept', '拒绝接收')
    d.flow('f_transferred', 'approved', 'end_transferred')
    for b in ('withdraw_out', 'withdraw_in', 'withdraw_accept'):
        d.flow(f'f_{b}', b, 'withdrawn')
    d.flow('f_withdrawn', 'withdrawn', 'end_withdrawn')
    d.write('bpmn/transfer.bpmn', 960, 720)


def superior_change():
    d = Diagram('superior_change', '更换上级部门', (
        '更换上级部门 (seed 004): a unit\'s principal admin asks to move the unit under another supervising '
        'department or parent unit, or to name another 同级人社部门. The old superior approves first, then the new '
        'one; a superior that is a unit (old_kind / new_kind == "unit") decides in the unit_admin lane, a 人社部门 '
        '(old_kind / new_kind == "hr": a change of the 同级人社部门; the old one may be the province, when no 人社部门 '
        'is registered) in the hr lane, a supervising department (or the province) in the supervisor lane. Either '
        'may refuse with a reason. 已更换: the code changes the unit\'s parent or its 同级人社部门.'),
        [('lane_unit', '单位管理员', 0, 200), ('lane_parent_unit', '单位管理员', 200, 200),
         ('lane_supervisor', '主管部门', 400, 200), ('lane_hr', '人社部门', 600, 200)])
    U, P, S, H = 'lane_unit', 'lane_parent_unit', 'lane_supervisor', 'lane_hr'
    d.node('start', 'startEvent', '提交更换申请', U, 70, 82)
    d.node('old_route', 'exclusiveGateway', '原上级类型', U, 150, 75, default='f_old_supervisor')
    d.node('old_unit_review', 'userTask', '原上级单位审核', P, 250, 260, form='superior_old_review',
           label='待原上级审核', scope='old_superior')
    d.node('old_supervisor_review', 'userTask', '原主管部门审核', S, 250, 460, form='superior_old_review',
           label='待原上级审核', scope='old_superior')
    d.node('old_hr_review', 'userTask', '原同级人社部门审核', H, 250, 660, form='superior_old_review',
           label='待原人社部门审核', scope='old_superior')
    d.node('old_done', 'exclusiveGateway', '原上级已审核', U, 400, 75)
    d.node('old_decision', 'exclusiveGateway', '原上级是否同意', U, 480, 75, default='f_old_refuse')
    d.node('end_refused_old', 'endEvent', '原上级不同意', U, 487, 150, label='原上级不同意')
    d.node('new_route', 'exclusiveGateway', '新上级类型', U, 570, 75, default='f_new_supervisor')
    d.node('new_unit_review', 'userTask', '新上级单位审核', P, 660, 260, form='superior_new_review',
           label='待新上级审核', scope='new_superior')
    d.node('new_supervisor_review', 'userTask', '新主管部门审核', S, 660, 460, form='superior_new_review',
           label='待新上级审核', scope='new_superior')
    d.node('new_hr_review', 'userTask', '新同级人社部门审核', H, 660, 660, form='superior_new_review',
           label='待新人社部门审核', scope='new_superior')
    d.node('new_done', 'exclusiveGateway', '新上级已审核', U, 810, 75)
    d.node('new_decision', 'exclusiveGateway', '新上级是否同意', U, 890, 75, default='f_new_refuse')
    d.node('end_refused_new', 'endEvent', '新上级不同意', U, 897, 150, label='新上级不同意')
    d.node('end_changed', 'endEvent', '已更换', U, 990, 82, label='已更换')
    d.flow('f_start', 'start', 'old_route')
    d.flow('f_old_unit', 'old_route', 'old_unit_review', '上级单位', 'old_kind == "unit"')
    d.flow('f_old_hr', 'old_route', 'old_hr_review', '同级人社部门', 'old_kind == "hr"')
    d.flow('f_old_supervisor', 'old_route', 'old_supervisor_review', '主管部门')
    d.flow('f_old_unit_done', 'old_unit_review', 'old_done')
    d.flow('f_old_supervisor_done', 'old_supervisor_review', 'old_done')
    d.flow('f_old_hr_done', 'old_hr_review', 'old_done')
    d.flow('f_old_decide', 'old_done', 'old_decision')
    d.flow('f_old_approve', 'old_decision', 'new_route', '同意', 'decision == "approve"')
    d.flow('f_old_refuse', 'old_decision', 'end_refused_old', '不同意')
    d.flow('f_new_unit', 'new_route', 'new_unit_review', '上级单位', 'new_kind == "unit"')
    d.flow('f_new_hr', 'new_route', 'new_hr_review', '同级人社部门', 'new_kind == "hr"')
    d.flow('f_new_supervisor', 'new_route', 'new_supervisor_review', '主管部门')
    d.flow('f_new_unit_done', 'new_unit_review', 'new_done')
    d.flow('f_new_supervisor_done', 'new_supervisor_review', 'new_done')
    d.flow('f_new_hr_done', 'new_hr_review', 'new_done')
    d.flow('f_new_decide', 'new_done', 'new_decision')
    d.flow('f_new_approve', 'new_decision', 'end_changed', '同意', 'decision == "approve"')
    d.flow('f_new_refuse', 'new_decision', 'end_refused_new', '不同意')
    d.write('bpmn/superior_change.bpmn', 1080, 800)


if __name__ == '__main__':
    transfer()
    superior_change()
