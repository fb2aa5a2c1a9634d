// The unit search of the registration forms (registration/form.html: unit_picker): results and pages from
// /orgs/search, a click chooses the unit into the hidden field named by data-target.
document.querySelectorAll('.unit-picker').forEach(function (box) {
  var hidden = document.getElementById(box.dataset.target), q = box.querySelector('.unit-q'),
      results = box.querySelector('.unit-results'), pages = box.querySelector('.unit-pages'),
      chosen = box.querySelector('.unit-chosen');
  function load(page) {
    var url = box.dataset.url + '&q=' + encodeURIComponent(q.value) + '&page=' + page;
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      results.innerHTML = ''; pages.innerHTML = '';
      data.items.forEach(function (o) {
        var b = document.createElement('button');
        b.type = 'button'; b.className = 'list-group-item list-group-item-action unit-option';
        b.textContent = o.name + (o.locality ? '（' + o.locality + '）' : '') + (o.credit_code ? ' ' + o.credit_code : '') + ' · ' + o.kind;
        b.addEventListener('click', function () {
          hidden.value = o.id; chosen.textContent = '已选择：' + o.name; results.innerHTML = ''; pages.innerHTML = '';
        });
        results.appendChild(b);
      });
      if (!data.items.length) { results.textContent = '没有找到匹配的单位'; }
      if (data.pages > 1) {
        var info = document.createElement('span'); info.textContent = '第 ' + data.page + ' / ' + data.pages + ' 页（共 ' + data.total + ' 条） ';
        pages.appendChild(info);
        [['上一页', data.page - 1], ['下一页', data.page + 1]].forEach(function (p) {
          if (p[1] < 1 || p[1] > data.pages) return;
          var a = document.createElement('button'); a.type = 'button'; a.className = 'btn btn-sm btn-link unit-page';
          a.textContent = p[0]; a.addEventListener('click', function () { load(p[1]); }); pages.appendChild(a);
        });
      }
    });
  }
  box.querySelector('.unit-search').addEventListener('click', function () { load(1); });
  q.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); load(1); } });
});
