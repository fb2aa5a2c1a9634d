"""No English word on a Chinese page: the demo's pages, walked as each role (the links of her menu, then the links of
those pages, one page of each kind), show no Latin word but those of the allow-list: names of formats and files
(Excel, PDF), the letters of ID and certificate numbers, the language switch. Visible text counts: the page's text,
options, placeholders, titles and the confirmations' texts; identifiers shown as code (<code>) are data."""
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from models import WorkflowInstance, db
from webapp.claims import operations as ops

from ..helpers import submitted_claim
from ..people import CHEN_JING, WANG_QIANG, ZHANG_WEI, login, membership

ALLOWED = {
    'Excel', 'PDF', 'pdf', 'jpg', 'png', 'xlsx', 'KB', 'MB',  # formats and sizes
    'ZJ', 'XS', 'X',  # certificate and print numbers (ZJ2026000001), the check letter of an ID number
    'English',  # the language switch names each language in its own language
    'QR',  # QR 码
}
ROLES = [ZHANG_WEI, CHEN_JING, WANG_QIANG, 'jtjt_admin', 'jtjt_gcb', 'jiaotong', 'shengji']
SKIPPED = ('/logout', '/lang/', '/vendor/', '/static/', '/captcha', '/api/', '/verify/',
           '/workbench/',  # the diagram and table editors: BPMN / DMN vocabulary (hit policies, FEEL, keys)
           '/province/platforms/api')  # the learning platforms' developers' API reference (HTTP, JSON field names)
MAX_PAGES = 80
LATIN = re.compile(r'[A-Za-z]+')
PLACEHOLDER = re.compile(r'\{\w+\}')  # {n} in a confirmation: the modal puts the number there


class VisibleText(HTMLParser):
    """The text a reader sees, and the site's links."""
    SHOWN_ATTRIBUTES = ('placeholder', 'title', 'alt', 'data-confirm')

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.links, self.skipping = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ('script', 'style', 'code', 'textarea') and tag not in ('input', 'img'):
            self.skipping.append(tag)
        self.texts.extend(attrs[name] for name in self.SHOWN_ATTRIBUTES if attrs.get(name))
        if tag == 'input' and attrs.get('type') in ('submit', 'button') and attrs.get('value'):
            self.texts.append(attrs['value'])
        if tag == 'a' and attrs.get('href', '').startswith('/'):
            self.links.append(attrs['href'])

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.texts.append(data)


def english_words(page: VisibleText) -> set[str]:
    return {w for text in page.texts for w in LATIN.findall(PLACEHOLDER.sub('', text))}


def kind_of(url: str) -> str:
    """One page of each kind: /claims/12 and /claims/13 are the same kind, so are ?page=2 and ?page=3."""
    parts = urlsplit(url)
    keys = sorted(k.split('=')[0] for k in parts.query.split('&') if k and not k.startswith('page='))
    return re.sub(r'\d+', 'N', parts.path) + '?' + '&'.join(keys)


def walk(client, start=('/',)) -> dict[str, set[str]]:
    """English words by page, on every page reachable within two links of the home page."""
    found, seen, queue = {}, set(), [(url, 0) for url in start]
    while queue and len(seen) < MAX_PAGES:
        url, depth = queue.pop(0)
        if kind_of(url) in seen or url.startswith(SKIPPED) or 'export=' in url or url.endswith('.pdf'):
            continue
        seen.add(kind_of(url))
        response = client.get(url, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != 'text/html':
            continue
        page = VisibleText()
        page.feed(response.get_data(as_text=True))
        words = english_words(page) - ALLOWED
        if words:
            found[url] = words
        if depth < 2:
            queue.extend((link, depth + 1) for link in page.links)
    return found


@pytest.mark.parametrize('who', ROLES)
def test_no_english_word_on_the_pages_of(client, ctx, who):
    login(client, who)
    start = ['/']
    if who == 'shengji':  # the instance view of a claim that went some steps (lanes, outcomes, the flow log)
        claim_id, item_id = submitted_claim(ZHANG_WEI)
        ops.review(membership('jtjt_admin', 'unit_admin'), item_id, 'approve', None, None)
        db.session.commit()
        instance = db.session.scalar(select(WorkflowInstance.id).where(WorkflowInstance.subject_type == 'claim',
                                                                       WorkflowInstance.subject_id == claim_id))
        start.append(f'/rollout/instances/{instance}')
    found = walk(client, start)
    assert not found, '\n'.join(f'{url}: {sorted(words)}' for url, words in found.items())


def test_no_english_word_on_the_public_pages(client):
    found = {}
    for url in ('/login', '/register', '/register/learner', '/register/progress', '/register/propose'):
        page = VisibleText()
        page.feed(client.get(url).get_data(as_text=True))
        words = english_words(page) - ALLOWED
        if words:
            found[url] = words
    assert not found, found
