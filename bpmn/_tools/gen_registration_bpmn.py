"""Generates bpmn/registration.bpmn (semantic XML + diagram interchange). Run from the repository root."""
from label_boundaries import relabel  # (bpmn/_tools is the script's folder)
from route_flows import reroute

HEAD = '''<?xml version="1.0" encoding="UTF-8"?>
<!-- 注册 (registration, seed 004): a supervising department registers under the province, a unit under a supervising
     department or a parent unit (or directly under the province), a professional under a unit. The registration
     waits in the lane of the superior chosen (data `approver_lane`); approval makes the organisation, account and
     role active; rejection (with a reason) ends it and the applicant may register again. While pending, the
     applicant may withdraw it with the registration password (message withdraw_registration). -->
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="registration_definitions" targetNamespace="http://creditflow.cn/bpmn">
  <bpmn:message id="withdraw_registration" name="withdraw_registration"/>
'''
LANES = [('lane_province', '省级/学时办', 0, 200), ('lane_supervisor', '主管部门', 200, 200),
         ('lane_unit', '单位管理员', 400, 220)]
N, F = {}, []


def node(i, kind, name, lane, x, y, **extra):
    N[i] = dict(kind=kind, name=name, lane=lane, x=x, y=y, **extra)


def flow(i, s, t, name=None, cond=None):
    F.append(dict(id=i, s=s, t=t, name=name, cond=cond))


P, S, U = 'lane_province', 'lane_supervisor', 'lane_unit'
node('start', 'startEvent', '提交注册', P, 60, 82)
node('route', 'exclusiveGateway', '由谁审核', P, 150, 75, default='f_to_unit')
node('review_province', 'userTask', '省级审核注册', P, 260, 60, form='registration_review', label='注册审核中')
node('review_supervisor', 'userTask', '主管部门审核注册', S, 260, 260, form='registration_review', label='注册审核中')
node('review_unit', 'userTask', '单位审核注册', U, 260, 460, form='registration_review', label='注册审核中')
for task, suffix in (('review_province', 'province'), ('review_supervisor', 'supervisor'), ('review_unit', 'unit')):
    node(f'withdraw_{suffix}', 'boundaryMessage', '撤回申请', N[task]['lane'], 0, 0, attached=task, dx=62, dy=62)
    flow(f'f_withdraw_{suffix}', f'withdraw_{suffix}', 'withdrawn')
    flow(f'f_{suffix}_done', task, 'reviewed')
node('reviewed', 'exclusiveGateway', '审核完成', S, 450, 275)
node('decision', 'exclusiveGateway', '审核结果', S, 560, 275, default='f_reject')
node('end_approved', 'endEvent', '已注册', S, 680, 282, label='已注册')
node('end_rejected', 'endEvent', '注册未通过', S, 680, 352, label='注册未通过')
node('withdrawn', 'exclusiveGateway', '已撤回', U, 450, 545)
node('end_withdrawn', 'endEvent', '已撤回', U, 560, 552, label='已撤回')

flow('f_start', 'start', 'route')
flow('f_to_province', 'route', 'review_province', '省级', 'approver_lane == "province"')
flow('f_to_supervisor', 'route', 'review_supervisor', '主管部门', 'approver_lane == "supervisor"')
flow('f_to_unit', 'route', 'review_unit', '单位')
flow('f_reviewed', 'reviewed', 'decision')
flow('f_approve', 'decision', 'end_approved', '通过', 'decision == "approve"')
flow('f_reject', 'decision', 'end_rejected', '驳回')
flow('f_withdrawn', 'withdrawn', 'end_withdrawn')

SIZE = {'startEvent': (36, 36), 'endEvent': (36, 36), 'userTask': (100, 80), 'exclusiveGateway': (50, 50),
        'boundaryMessage': (36, 36)}
for i, n in N.items():
    if n['kind'] == 'boundaryMessage':
        a = N[n['attached']]
        n['x'], n['y'] = a['x'] + n['dx'], a['y'] + n['dy']
    n['w'], n['h'] = SIZE[n['kind']]


def props(n):
    items = [(k, n[v]) for k, v in (('formKey', 'form'), ('statusLabel', 'label')) if v in n]
    if not items:
        return ''
    inner = ''.join(f'\n          <spiffworkflow:property name="{k}" value="{v}"/>' for k, v in items)
    return f'''
      <bpmn:extensionElements>
        <spiffworkflow:properties>{inner}
        </spiffworkflow:properties>
      </bpmn:extensionElements>'''


out = [HEAD, '  <bpmn:collaboration id="registration_collaboration">\n    <bpmn:participant id="registration_participant" '
       'name="注册" processRef="registration"/>\n  </bpmn:collaboration>\n',
       '  <bpmn:process id="registration" name="注册" isExecutable="true">\n    <bpmn:laneSet id="registration_lanes">\n']
for lid, lname, _y, _h in LANES:
    refs = ''.join(f'\n        <bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>' for i, n in N.items() if n['lane'] == lid)
    out.append(f'      <bpmn:lane id="{lid}" name="{lname}">{refs}\n      </bpmn:lane>\n')
out.append('    </bpmn:laneSet>\n')
for i, n in N.items():
    inc = ''.join(f'\n      <bpmn:incoming>{f["id"]}</bpmn:incoming>' for f in F if f['t'] == i)
    outg = ''.join(f'\n      <bpmn:outgoing>{f["id"]}</bpmn:outgoing>' for f in F if f['s'] == i)
    k = n['kind']
    if k == 'boundaryMessage':
        out.append(f'''    <bpmn:boundaryEvent id="{i}" name="{n['name']}" attachedToRef="{n['attached']}" cancelActivity="true">{outg}
      <bpmn:messageEventDefinition id="{i}_def" messageRef="withdraw_registration"/>
    </bpmn:boundaryEvent>\n''')
    else:
        default = f' default="{n["default"]}"' if 'default' in n else ''
        out.append(f'    <bpmn:{k} id="{i}" name="{n["name"]}"{default}>{props(n)}{inc}{outg}\n    </bpmn:{k}>\n')
for f in F:
    name = f' name="{f["name"]}"' if f['name'] else ''
    if f['cond']:
        out.append(f'    <bpmn:sequenceFlow id="{f["id"]}"{name} sourceRef="{f["s"]}" targetRef="{f["t"]}">\n'
                   f'      <bpmn:conditionExpression>{f["cond"].replace(chr(34), "&quot;")}</bpmn:conditionExpression>\n'
                   '    </bpmn:sequenceFlow>\n')
    else:
        out.append(f'    <bpmn:sequenceFlow id="{f["id"]}"{name} sourceRef="{f["s"]}" targetRef="{f["t"]}"/>\n')
W, H = 780, 620
out.append('  </bpmn:process>\n  <bpmndi:BPMNDiagram id="registration_diagram">\n'
           '    <bpmndi:BPMNPlane id="registration_plane" bpmnElement="registration_collaboration">\n')
out.append(f'      <bpmndi:BPMNShape id="registration_participant_di" bpmnElement="registration_participant" '
           f'isHorizontal="true"><dc:Bounds x="0" y="0" width="{W}" height="{H}"/></bpmndi:BPMNShape>\n')
for lid, _n, y, h in LANES:
    out.append(f'      <bpmndi:BPMNShape id="{lid}_di" bpmnElement="{lid}" isHorizontal="true">'
               f'<dc:Bounds x="30" y="{y}" width="{W - 30}" height="{h}"/></bpmndi:BPMNShape>\n')
for i, n in N.items():
    out.append(f'      <bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}"><dc:Bounds x="{n["x"]}" y="{n["y"]}" '
               f'width="{n["w"]}" height="{n["h"]}"/></bpmndi:BPMNShape>\n')


def centre(n):
    return n['x'] + n['w'] // 2, n['y'] + n['h'] // 2


for f in F:
    s, t = N[f['s']], N[f['t']]
    sx, sy = centre(s)
    tx, ty = centre(t)
    if s['kind'] == 'boundaryMessage':
        sy = s['y'] + s['h']  # leave from the bottom of the boundary circle
        pts = [(sx, sy), (sx, ty), (t['x'], ty)]
    elif abs(sy - ty) < 2:
        pts = [(s['x'] + s['w'], sy), (t['x'], ty)]
    else:
        mid = (sx + tx) // 2 if abs(tx - sx) > 60 else sx
        pts = [(sx, sy), (mid, sy), (mid, ty), (tx, ty)] if mid != sx else [(sx, sy), (sx, ty), (tx, ty)]
    out.append(f'      <bpmndi:BPMNEdge id="{f["id"]}_di" bpmnElement="{f["id"]}">'
               + ''.join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in pts) + '</bpmndi:BPMNEdge>\n')
out.append('    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n')
open('bpmn/registration.bpmn', 'w', encoding='utf-8').write(reroute(relabel(''.join(out))))  # labels off the tasks
