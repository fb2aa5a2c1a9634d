"""Variants of the shipped claim diagram that a province could publish through the workbench: the unit's approval
final (seed 001, one tier), a third tier (省级/学时办 after the 主管部门), and seed 000's status names."""
from lxml import etree

from models.workflow import BPMN
from webapp.workflow.versions import add_version, published

from .people import zj

NS = {'bpmn': 'http://www.omg.org/spec/BPMN/20100524/MODEL',
      'spiffworkflow': 'http://spiffworkflow.org/bpmn/schema/1.0/core'}
SPIFF = '{%s}' % NS['spiffworkflow']
BPMN_ = '{%s}' % NS['bpmn']

# Seed 000 (浙江建设): 个人保存 -提交-> 个人上报 -企业通过-> 企业审核通过 -省级通过-> 终审通过, with 企业审核不通过 and
# 省级审核不通过 as the two rejections.
SEED_000_NAMES = {'edit_claim': '个人保存', 'unit_review': '个人上报', 'direct_review': '企业审核通过',
                  'final_review': '企业审核通过', 'end_approved': '终审通过', 'end_rejected_unit': '企业审核不通过',
                  'end_rejected': '省级审核不通过'}


def _tree(content: str):
    return etree.fromstring(content.encode('utf-8'))


def _text(root) -> str:
    return etree.tostring(root, encoding='unicode')


def _element(root, element_id: str):
    [found] = root.xpath(f'//*[@id="{element_id}"]')
    return found


def set_property(root, element_id: str, name: str, value: str | None) -> None:
    """Set (None: remove) the extension property *name* of an element."""
    props = _element(root, element_id).find(f'{BPMN_}extensionElements/{SPIFF}properties')
    for prop in props.findall(f'{SPIFF}property'):
        if prop.get('name') == name:
            if value is None:
                props.remove(prop)
            else:
                prop.set('value', value)
            return
    if value is not None:
        etree.SubElement(props, f'{SPIFF}property', name=name, value=value)


def relabelled(content: str, labels: dict[str, str]) -> str:
    root = _tree(content)
    for element_id, label in labels.items():
        set_property(root, element_id, 'statusLabel', label)
    return _text(root)


def one_tier(content: str, grants: bool = True) -> str:
    """The unit's approval ends the claim as approved (seed 001: 点击通过，专业技术人员获得相应学时); *grants*: the unit
    review carries grantsHours (without it the diagram is refused at publish)."""
    root = _tree(content)
    _element(root, 'f_to_final').set('targetRef', 'end_approved')
    for element_id in ('final_review', 'direct_review'):
        set_property(root, element_id, 'grantsHours', None)
    set_property(root, 'direct_review', 'grantsHours', 'true')  # a claim sent to the 主管部门 directly
    if grants:
        set_property(root, 'unit_review', 'grantsHours', 'true')
    return _text(root)


def three_tier(content: str) -> str:
    """After the 主管部门 approves, 省级/学时办 reviews last and grants the hours; the 主管部门's step only reviews (its
    rejection ends the claim, its return sends it back to the learner)."""
    root = _tree(content)
    set_property(root, 'final_review', 'grantsHours', None)
    process = root.find(f'{BPMN_}process')
    lane = etree.SubElement(process.find(f'{BPMN_}laneSet'), f'{BPMN_}lane', id='lane_province', name='province')
    for node in ('mid_decision', 'province_review'):
        etree.SubElement(lane, f'{BPMN_}flowNodeRef').text = node
    _element(root, 'f_final_done').set('targetRef', 'mid_decision')
    process.append(etree.fromstring(f'''<bpmn:exclusiveGateway xmlns:bpmn="{NS['bpmn']}" id="mid_decision"
        name="主管部门审核结果" default="f_mid_other"/>'''))
    approve = etree.SubElement(process, f'{BPMN_}sequenceFlow', id='f_mid_approve', sourceRef='mid_decision',
                               targetRef='province_review')
    etree.SubElement(approve, f'{BPMN_}conditionExpression').text = 'decision == "approve"'
    reject = etree.SubElement(process, f'{BPMN_}sequenceFlow', id='f_mid_reject', sourceRef='mid_decision',
                              targetRef='end_rejected')
    etree.SubElement(reject, f'{BPMN_}conditionExpression').text = 'decision == "reject"'
    etree.SubElement(process, f'{BPMN_}sequenceFlow', id='f_mid_other', sourceRef='mid_decision', targetRef='to_revise')
    process.append(etree.fromstring(f'''<bpmn:userTask xmlns:bpmn="{NS['bpmn']}"
        xmlns:spiffworkflow="{NS['spiffworkflow']}" id="province_review" name="学时办终审">
        <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formKey" value="claim_final_review"/>
        <spiffworkflow:property name="statusLabel" value="待学时办审核"/>
        <spiffworkflow:property name="grantsHours" value="true"/>
        </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'''))
    process.append(etree.fromstring(f'''<bpmn:sequenceFlow xmlns:bpmn="{NS['bpmn']}" id="f_province_done"
        sourceRef="province_review" targetRef="reviewed"/>'''))
    return _text(root)


def publish_claim_diagram(change, comment='省级发布') -> str:
    """Publish *change*(the published claim diagram's content) as the claim process's next version."""
    content = change(published(BPMN, 'claim', zj()).content)
    add_version(BPMN, content, zj(), comment=comment)
    return content
