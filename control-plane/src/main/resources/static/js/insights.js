// The four delivery figures week by week, one small chart each; the page embeds the weeks as JSON.
(function () {
  var root = document.getElementById('dora-charts');
  if (!root || typeof uPlot === 'undefined') { return; }
  var weeks = JSON.parse(root.getAttribute('data-weeks') || '[]');
  if (weeks.length === 0) { return; }
  var CHARTS = [
    { key: 'deployments', title: 'Deployments (SUCCEEDED a week)', stroke: '#2454c5' },
    { key: 'leadTimeHours', title: 'Lead time, median (hours)', stroke: '#137a3a' },
    { key: 'changeFailurePercent', title: 'Change failure rate (%)', stroke: '#b42318' },
    { key: 'restoreMinutes', title: 'Time to restore, median (minutes)', stroke: '#9a6700' }
  ];
  var times = weeks.map(function (w) { return w.t; });
  // One week alone would get a zero-width x range, which uPlot widens to years: give it a week either side.
  function xRange(u, min, max) {
    return min === max ? [min - 7 * 86400, max + 7 * 86400] : [min, max];
  }
  CHARTS.forEach(function (c) {
    var figure = document.createElement('figure');
    figure.setAttribute('data-figure', c.key);
    root.appendChild(figure);
    var values = weeks.map(function (w) { return w[c.key] === undefined ? null : w[c.key]; });
    new uPlot({
      title: c.title, width: 520, height: 200,
      scales: { x: { time: true, range: xRange } },
      series: [{}, { label: c.title, stroke: c.stroke, spanGaps: false, points: { show: true, size: 6 } }]
    }, [times, values], figure);
  });
})();
