// The dashboards: every chart is drawn (Apache ECharts, canvas) from the table beside it, which the server rendered:
//   <div class="chart" data-chart="bar|hbar|stacked|hstacked|pie" data-table="TABLE_ID" data-series="1,2"
//        data-limit="30" data-max="100"></div>
// The table's first cell names each row (the category); data-series lists the columns drawn (their headers name the
// series). No inline script or style: the page's Content-Security-Policy allows neither; tooltips are rich text
// (ECharts' HTML tooltips would carry style attributes).
(function () {
  'use strict';

  function readTable(table, limit) {
    var headers = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) {
      return th.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr')).filter(function (tr) {
      return tr.querySelector('[data-value]');
    });
    if (limit) { rows = rows.slice(0, limit); }
    return {
      headers: headers,
      categories: rows.map(function (tr) { return tr.cells[0].textContent.trim(); }),
      value: function (column) {
        return rows.map(function (tr) { return parseFloat(tr.cells[column].dataset.value) || 0; });
      }
    };
  }

  function option(kind, data, series, max) {
    var base = {
      tooltip: { trigger: kind === 'pie' ? 'item' : 'axis', renderMode: 'richText' },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      animation: false
    };
    if (kind === 'pie') {
      base.series = [{
        type: 'pie', radius: ['35%', '65%'], top: 24,
        data: data.categories.map(function (name, i) { return { name: name, value: data.value(series[0])[i] }; })
      }];
      return base;
    }
    var horizontal = kind === 'hbar' || kind === 'hstacked';
    var stacked = kind === 'stacked' || kind === 'hstacked';
    var category = { type: 'category', data: data.categories, axisLabel: { interval: 0, width: 160, overflow: 'truncate' } };
    var value = { type: 'value', max: max };
    if (horizontal) {
      category.inverse = true;
      base.xAxis = value;
      base.yAxis = category;
    } else {
      category.axisLabel = { hideOverlap: true };
      base.xAxis = category;
      base.yAxis = value;
    }
    base.series = series.map(function (column) {
      return { type: 'bar', name: data.headers[column], data: data.value(column), barMaxWidth: 40,
               stack: stacked ? 'all' : undefined };
    });
    return base;
  }

  function draw(el) {
    var table = document.getElementById(el.dataset.table);
    if (!table || typeof echarts === 'undefined') { return null; }
    var series = (el.dataset.series || '1').split(',').map(Number);
    var data = readTable(table, el.dataset.limit ? Number(el.dataset.limit) : 0);
    var horizontal = el.dataset.chart === 'hbar' || el.dataset.chart === 'hstacked';
    if (horizontal) { el.classList.add('chart-rows-' + Math.min(30, Math.max(4, data.categories.length))); }
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option(el.dataset.chart, data, series, el.dataset.max ? Number(el.dataset.max) : undefined));
    el.dataset.drawn = 'true';
    return chart;
  }

  document.addEventListener('DOMContentLoaded', function () {
    var charts = Array.prototype.map.call(document.querySelectorAll('.chart[data-chart]'), draw).filter(Boolean);
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  });
}());
