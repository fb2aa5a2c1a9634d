"""What a browser is told besides the page: redirects only ever to this site, a Content-Security-Policy without
inline scripts, Secure cookies over HTTPS, and nothing of node_modules but the packages the pages use."""
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..people import LI_NA, ZHANG_WEI, login, membership

ROOT = Path(__file__).resolve().parents[2]

HOSTILE_REFERRERS = [
    'http://evil.example/unit/staff', 'https://evil.example/', '//evil.example/unit/staff', '///evil.example',
    '/\\evil.example', '\\\\evil.example', '/\\/evil.example', 'http://localhost@evil.example/',
    'http://evil.example\\@localhost/', 'http:evil.example', 'javascript://localhost/%0aalert(1)',
    'data:text/html,<script>alert(1)</script>', 'ftp://localhost/unit/staff', 'http://localhost:8080/unit/staff',
    ' //evil.example', '\t//evil.example', 'unit/staff', '//localhost/unit/staff', 'http://evil.example:80@localhost',
]


def assert_stays_here(response, expected_path):
    assert response.status_code == 302
    location = response.headers['Location']
    parts = urlsplit(location)
    assert parts.netloc in ('', 'localhost') and '\\' not in location and not location.startswith('//'), location
    assert parts.path == expected_path, location


@pytest.mark.parametrize('referrer', HOSTILE_REFERRERS)
def test_the_unit_staff_pages_never_send_back_to_another_host(client, ctx, referrer):
    login(client, 'jtjt_admin')
    zhang, li = membership(ZHANG_WEI, 'learner'), membership(LI_NA, 'learner')
    headers = {'Referer': referrer}
    assert_stays_here(client.post(f'/unit/staff/{zhang.id}/department', data={'department_id': ''},
                                  headers=headers), '/unit/staff')
    assert_stays_here(client.post(f'/unit/staff/{li.id}/reset-password', headers=headers), '/unit/staff')
    assert_stays_here(client.get('/lang/en', headers=headers), '/')


def test_only_a_path_of_this_site_is_a_place_to_go_back_to(app):
    from webapp.urls import local_path
    with app.test_request_context('/', base_url='https://localhost'):
        for url in HOSTILE_REFERRERS + ['/unit/staff\r\nLocation: http://evil.example', '/\x00/evil.example',
                                        '/unit\u2028/staff', None, '', 'https://LOCALHOST.evil.example/']:
            assert local_path(url) is None, url
        assert local_path('https://localhost/unit/staff?page=2#top') == '/unit/staff?page=2'
        assert local_path('/claims/') == '/claims/'


def test_a_referrer_of_this_site_is_still_followed(client, ctx):
    login(client, 'jtjt_admin')
    zhang = membership(ZHANG_WEI, 'learner')
    for referrer in ('http://localhost/unit/staff?q=%E5%BC%A0&page=1', '/unit/staff?q=%E5%BC%A0&page=1'):
        response = client.post(f'/unit/staff/{zhang.id}/department', data={'department_id': ''},
                               headers={'Referer': referrer})
        assert response.headers['Location'] == '/unit/staff?q=%E5%BC%A0&page=1'


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client, ctx):
    for path, who in (('/login', None), ('/claims/', ZHANG_WEI), ('/workbench/', 'shengji'),
                      ('/workbench/bpmn/claim/edit', 'shengji'), ('/workbench/dmn/credit_hours/edit', 'shengji'),
                      ('/workbench/catalogue/', 'shengji'), ('/workbench/catalogue/pathways/new', 'shengji'),
                      ('/claims/new', ZHANG_WEI), ('/certificates/progress', ZHANG_WEI)):
        if who:
            login(client, who)
        response = client.get(path)
        assert response.status_code == 200, path
        policy = dict(part.strip().split(' ', 1) for part in response.headers['Content-Security-Policy'].split(';'))
        assert policy['script-src'] == "'self'" and policy['object-src'] == "'none'", path
        assert policy['frame-ancestors'] == "'none'" and policy['base-uri'] == "'none'", path
        # only the DMN editor allows inline styles: dmn-js positions its cells and menus with style attributes
        assert policy['style-src'] == ("'self' 'unsafe-inline'" if '/dmn/' in path else "'self'"), path
        page = response.get_data(as_text=True)
        assert ' onclick=' not in page and ' onchange=' not in page and ' onsubmit=' not in page, path
        assert '<script>' not in page and ' style=' not in page, path
        if who:
            client.post('/logout')
    assert 'Content-Security-Policy' in client.get('/vendor/nothing-here').headers  # error pages too


@pytest.mark.parametrize('path', ['/vendor/.package-lock.json', '/vendor/bootstrap/package.json',
                                  '/vendor/bpmn-js/package.json', '/vendor/bpmn-js/lib/Modeler.js',
                                  '/vendor/bpmn-js/dist/../../.package-lock.json', '/vendor/%2e%2e/package.json',
                                  '/vendor/bootstrap/dist/js/bootstrap.js', '/vendor/bootstrap/dist/.hidden',
                                  '/vendor/../package.json', '/vendor/lodash/index.js', '/vendor/'])
def test_node_modules_serves_nothing_but_the_packages_the_pages_use(client, path):
    assert client.get(path).status_code == 404


def test_the_vendor_files_the_pages_use_are_served(client):
    for name in ('bootstrap/dist/css/bootstrap.min.css', 'bootstrap/dist/js/bootstrap.bundle.min.js',
                 'bpmn-js/dist/bpmn-modeler.production.min.js',
                 'bpmn-js/dist/bpmn-navigated-viewer.production.min.js', 'bpmn-js/dist/assets/diagram-js.css',
                 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css', 'dmn-js/dist/dmn-modeler.production.min.js',
                 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css', 'dmn-js/dist/assets/dmn-js-drd.css'):
        response = client.get(f'/vendor/{name}')
        assert response.status_code == 200, name
        response.close()


@pytest.mark.app_config(SESSION_COOKIE_SECURE=True)
def test_over_https_every_cookie_is_secure(client, ctx):
    client.get('/captcha.png')
    response = client.post('/login', data={'username': ZHANG_WEI, 'password': 'Demo@2026', 'captcha': 'TEST'})
    cookies = response.headers.getlist('Set-Cookie')
    assert any(c.startswith('session=') for c in cookies)
    assert all('Secure' in c and 'HttpOnly' in c for c in cookies), cookies


def test_the_https_setting_comes_from_the_environment():
    def secure(value):
        env = {**os.environ, 'SESSION_COOKIE_SECURE': value}
        return subprocess.run([sys.executable, '-c', 'from webapp.config import Config as C; '
                               'print(C.SESSION_COOKIE_SECURE, C.REMEMBER_COOKIE_SECURE)'],
                              cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert secure('1') == ['True', 'True'] and secure('') == ['False', 'False']
