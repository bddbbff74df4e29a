// Error rate and p99 latency of candidate vs stable over time, with the gate's threshold as a line.
(function () {
  var root = document.getElementById('charts');
  if (!root || typeof uPlot === 'undefined') { return; }
  var url = root.getAttribute('data-chart-url');
  var charts = {};

  function seriesFor(gate) {
    var times = [];
    var byTrack = {};
    gate.points.forEach(function (p) {
      if (times.length === 0 || times[times.length - 1] !== p.t) { times.push(p.t); }
    });
    ['canary', 'stable'].forEach(function (track) { byTrack[track] = times.map(function () { return null; }); });
    gate.points.forEach(function (p) {
      var i = times.lastIndexOf(p.t);
      if (!byTrack[p.track]) { byTrack[p.track] = times.map(function () { return null; }); }
      byTrack[p.track][i] = p.v;
    });
    var threshold = times.map(function () { return gate.threshold; });
    return [times, byTrack.canary, byTrack.stable, threshold];
  }

  function draw(name, gate) {
    var data = seriesFor(gate);
    if (charts[name]) { charts[name].setData(data); return; }
    var figure = document.createElement('figure');
    figure.setAttribute('data-gate', name);
    root.appendChild(figure);
    charts[name] = new uPlot({
      title: name + ' (' + gate.unit + ')', width: 520, height: 220,
      series: [{}, { label: 'candidate', stroke: '#2454c5', spanGaps: true },
        { label: 'stable', stroke: '#137a3a', spanGaps: true },
        { label: 'threshold', stroke: '#b42318', dash: [6, 4] }]
    }, data, figure);
  }

  function refresh() {
    fetch(url, { headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        Object.keys(body.gates).forEach(function (name) { draw(name, body.gates[name]); });
        if (Object.keys(body.gates).length === 0 && !root.querySelector('p')) {
          var p = document.createElement('p'); p.className = 'muted'; p.textContent = 'No measurements yet.';
          root.appendChild(p);
        }
      });
  }
  refresh();
  if (root.getAttribute('data-active') === 'true') { setInterval(refresh, 5000); }
})();
