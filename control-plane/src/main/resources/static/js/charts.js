// Error rate and p99 latency of candidate vs stable over time, with the gate's threshold as a line.
(function () {
  var root = document.getElementById('charts');
  if (!root || typeof uPlot === 'undefined') { return; }
  var url = root.getAttribute('data-chart-url');
  var charts = {};
  var ROLES = [{ role: 'candidate', stroke: '#2454c5' }, { role: 'stable', stroke: '#137a3a' }];

  // Candidate and stable are read in the same tick but not at the same instant: one x per distinct second.
  function seriesFor(gate) {
    var seen = {};
    gate.points.forEach(function (p) { seen[p.t] = true; });
    var times = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
    var index = {};
    times.forEach(function (t, i) { index[t] = i; });
    var roles = ROLES.filter(function (r) { return gate.points.some(function (p) { return p.role === r.role; }); });
    var data = [times];
    roles.forEach(function (r) {
      var values = times.map(function () { return null; });
      gate.points.forEach(function (p) { if (p.role === r.role) { values[index[p.t]] = p.v; } });
      data.push(values);
    });
    data.push(times.map(function () { return gate.threshold; }));
    return { data: data, roles: roles };
  }

  // uPlot widens a zero-width range by orders of magnitude (years for epoch seconds): give one point a minute.
  function xRange(u, min, max) {
    return min === max ? [min - 60, max + 60] : [min, max];
  }

  function draw(name, gate) {
    var s = seriesFor(gate);
    var key = s.roles.map(function (r) { return r.role; }).join(',');
    var chart = charts[name];
    if (chart && chart.key === key) { chart.plot.setData(s.data); return; }
    var figure = chart ? chart.figure : document.createElement('figure');
    if (chart) { chart.plot.destroy(); } else {
      figure.setAttribute('data-gate', name);
      root.appendChild(figure);
    }
    // Only series that have points get a line and a legend entry.
    var series = [{}].concat(s.roles.map(function (r) {
      return { label: r.role, stroke: r.stroke, spanGaps: true, points: { show: true, size: 5 } };
    })).concat([{ label: 'threshold', stroke: '#b42318', dash: [6, 4], points: { show: false } }]);
    var plot = new uPlot({
      title: name + ' (' + gate.unit + ')', width: 520, height: 220,
      scales: { x: { time: true, range: xRange } },
      series: series
    }, s.data, figure);
    charts[name] = { plot: plot, key: key, figure: figure };
  }

  var ACTIVE = ['PENDING', 'DEPLOYING', 'PROGRESSING', 'PAUSED', 'PROMOTING', 'ROLLING_BACK'];
  // The live section re-renders the state as it changes; the attribute is only how the page was first served.
  function active() {
    var state = document.getElementById('state');
    return state ? ACTIVE.indexOf(state.textContent.trim()) >= 0 : root.getAttribute('data-active') === 'true';
  }

  function refresh() {
    fetch(url, { headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        // The server sends the gates in one fixed order, so every release's page lays them out alike.
        Object.keys(body.gates).forEach(function (name) { draw(name, body.gates[name]); });
        var empty = root.querySelector('p.muted');
        if (Object.keys(body.gates).length === 0) {
          if (!empty) {
            empty = document.createElement('p'); empty.className = 'muted';
            root.appendChild(empty);
          }
          empty.textContent = active() ? 'No measurements yet.' : 'No measurements were taken for this release.';
        } else if (empty) {
          empty.remove();
        }
      });
  }
  refresh();
  if (root.getAttribute('data-active') === 'true') {
    // Once more after the release ends, so its last readings (or their absence) are what the page says.
    var timer = setInterval(function () {
      if (!active()) { clearInterval(timer); }
      refresh();
    }, 5000);
  }
})();
