"""Chinese by default, English available."""
from ..conftest import ZHANG_WEI, login


def test_chinese_by_default_and_english_on_request(client):
    login(client, ZHANG_WEI)
    page = client.get('/claims/').get_data(as_text=True)
    assert '培训登记详情' in page and 'lang="zh-CN"' in page
    client.get('/lang/en')
    page = client.get('/claims/').get_data(as_text=True)
    assert 'lang="en"' in page and 'My claims' in page and 'New claim' in page
    response = client.post('/claims/new', data={'title': ''})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'This field is required' in page and 'Title' in page
    client.get('/lang/zh_CN')
    assert '新登记培训' in client.get('/claims/').get_data(as_text=True)
