namespace SynAck.Analysis.Reports;

/// <summary>The stylesheet and script of <see cref="HtmlReport"/>: the script builds the table, the timeline and, on a row click, the ladder from the embedded JSON.</summary>
internal static class HtmlReportAssets
{
    /// <summary>The table's columns: the key the script sorts by, and the heading.</summary>
    public static readonly (string Key, string Name)[] Columns =
    [
        ("stream", "stream"), ("start", "start"), ("originator", "originator"), ("responder", "responder"), ("state", "state"),
        ("history", "history"), ("end", "end"), ("closer", "closer"), ("handshake", "handshake"), ("packets", "packets o/r"),
        ("bytes", "bytes o/r"), ("duration", "duration"), ("rate", "rate"), ("expert", "expert"),
    ];

    public const string Css = """
[hidden] { display: none !important; }
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 24px; }
table { border-collapse: collapse; font-size: 12px; background: #fff; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; }
table.summary th { background: #eef; width: 220px; }
table.holders th, #connections thead th { background: #1f3b73; color: #fff; }
#connections thead th { position: sticky; top: 0; cursor: pointer; user-select: none; }
#connections thead th.asc::after { content: " \25B2"; } #connections thead th.desc::after { content: " \25BC"; }
tr.conn { cursor: pointer; } tr.conn:hover { background: #eef3ff; } tr.conn.selected { background: #cfe0ff; }
td.st-SF { color: #0a6b2d; } td.st-REJ, td.st-RSTO, td.st-RSTR, td.st-RSTOS0, td.st-RSTRH { color: #b3261e; } td.st-S0 { color: #a05a00; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
small.tunnel { display: block; color: #666; }
.damage { color: #b3261e; font-weight: bold; } .hint { color: #666; }
.ladder { margin-top: 16px; border: 1px solid #ccc; background: #fff; display: inline-block; }
#timeline svg { background: #fff; border: 1px solid #ccc; }
""";

    public const string Script = """
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var conns = data.c, flagNames = data.flags, windowUs = data.window_us;
  var NS = 'http://www.w3.org/2000/svg';
  var tbody = document.querySelector('#connections tbody');
  var ladder = document.getElementById('ladder');
  var filter = document.getElementById('filter');
  var count = document.getElementById('count');
  function esc(s) { return String(s).replace(/[&<>"']/g, function (ch) { return '&#' + ch.charCodeAt(0) + ';'; }); }
  function dur(us) {
    if (us == null) return '';
    if (us < 1000) return us + ' \u00B5s';
    if (us < 1e6) return (us / 1000).toFixed(1) + ' ms';
    return (us / 1e6).toFixed(2) + ' s';
  }
  function bytes(b) { return b < 1024 ? b + ' B' : b < 1048576 ? (b / 1024).toFixed(1) + ' KiB' : (b / 1048576).toFixed(1) + ' MiB'; }
  function rate(c) { return c[2] > 0 ? (c[13] + c[14]) * 1e6 / c[2] : 0; }
  var keys = {
    stream: function (c) { return c[0]; }, start: function (c) { return c[1]; }, originator: function (c) { return c[3]; },
    responder: function (c) { return c[4]; }, state: function (c) { return c[5]; }, history: function (c) { return c[6]; },
    end: function (c) { return c[7]; }, closer: function (c) { return c[8]; }, handshake: function (c) { return c[10] == null ? -1 : c[10]; },
    packets: function (c) { return c[11] + c[12]; }, bytes: function (c) { return c[13] + c[14]; }, duration: function (c) { return c[2]; },
    rate: rate, expert: function (c) { return c[15]; }
  };

  var html = [];
  for (var i = 0; i < conns.length; i++) {
    var c = conns[i];
    html.push('<tr class="conn" tabindex="0" data-stream="' + c[0] + '" data-index="' + i + '"><td class="num">' + c[0] + '</td><td class="num">' +
      (c[1] / 1e6).toFixed(3) + ' s</td><td>' + esc(c[3]) + (c[19] ? '<small class="tunnel">via ' + esc(c[19]) + '</small>' : '') + '</td><td>' + esc(c[4]) + '</td><td class="st-' + esc(c[5]) + '">' + esc(c[5]) +
      '</td><td><code>' + esc(c[6]) + '</code></td><td>' + esc(c[7]) + '</td><td>' + esc(c[8]) + '</td><td class="num">' + dur(c[10]) +
      '</td><td class="num">' + c[11] + '/' + c[12] + '</td><td class="num">' + c[13] + '/' + c[14] + '</td><td class="num">' + dur(c[2]) +
      '</td><td class="num">' + (c[2] > 0 ? bytes(Math.round(rate(c))) + '/s' : '') + '</td><td>' + esc(c[15]) + '</td></tr>');
  }
  tbody.innerHTML = html.join('');
  var rows = Array.prototype.slice.call(tbody.rows);
  var haystack = conns.map(function (c) { return [c[0], c[3], c[4], c[5], c[6], c[7], c[8], c[15], c[19]].join(' ').toLowerCase(); });

  function applyFilter() {
    var terms = filter.value.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = terms.every(function (t) { return haystack[i].indexOf(t) >= 0; });
      rows[i].hidden = !hit;
      if (hit) shown++;
    }
    count.textContent = shown + ' of ' + rows.length + ' connections';
  }
  filter.addEventListener('input', applyFilter);
  applyFilter();

  var sortKey = null, sortDir = 1;
  document.querySelectorAll('#connections thead th').forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.getAttribute('data-key');
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      document.querySelectorAll('#connections thead th').forEach(function (h) { h.classList.remove('asc', 'desc'); });
      th.classList.add(sortDir > 0 ? 'asc' : 'desc');
      var f = keys[key];
      var order = rows.slice().sort(function (a, b) {
        var x = f(conns[a.dataset.index]), y = f(conns[b.dataset.index]);
        return (x < y ? -1 : x > y ? 1 : a.dataset.index - b.dataset.index) * sortDir;
      });
      var frag = document.createDocumentFragment();
      order.forEach(function (r) { frag.appendChild(r); });
      tbody.appendChild(frag);
    });
  });

  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function flagText(f) {
    var n = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'], out = [];
    for (var b = 0; b < 8; b++) if (f & (1 << b)) out.push(n[b]);
    return out.join(', ');
  }
  function expertText(bits) {
    var out = [];
    for (var b = 0; b < flagNames.length; b++) if (bits & (1 << b)) out.push(flagNames[b]);
    return out.join(' ');
  }

  function drawLadder(c) {
    var segs = c[17], left = 170, right = 690, rowH = 26, top = 56;
    var height = top + Math.max(segs.length, 1) * rowH + 30;
    var svg = el('svg', { xmlns: NS, width: 860, height: height, viewBox: '0 0 860 ' + height, 'font-family': 'DejaVu Sans, sans-serif', 'font-size': 11 });
    svg.appendChild(el('text', { x: 10, y: 18, 'font-weight': 'bold' }, 'tcp.stream ' + c[0] + ': ' + c[5] + ' ' + c[6]));
    svg.appendChild(el('text', { x: left, y: 40, 'text-anchor': 'middle' }, c[3]));
    svg.appendChild(el('text', { x: right, y: 40, 'text-anchor': 'middle' }, c[4]));
    svg.appendChild(el('line', { x1: left, y1: 46, x2: left, y2: height - 10, stroke: '#444' }));
    svg.appendChild(el('line', { x1: right, y1: 46, x2: right, y2: height - 10, stroke: '#444' }));
    var fin = [false, false];
    segs.forEach(function (s, i) {
      var y = top + i * rowH, from = s[1] === 0 ? left : right, to = s[1] === 0 ? right : left, dx = to > from ? -8 : 8;
      var g = el('g', { 'class': 'segment' });
      var colour = (s[2] & 4) ? '#b3261e' : s[7] ? '#a05a00' : '#1f3b73';
      g.appendChild(el('line', { x1: from, y1: y, x2: to, y2: y + rowH * 0.6, stroke: colour, 'stroke-width': 1.4 }));
      var ty = y + rowH * 0.6;
      g.appendChild(el('polygon', { points: to + ',' + ty + ' ' + (to + dx) + ',' + (ty - 4) + ' ' + (to + dx) + ',' + (ty + 3), fill: colour }));
      var label = flagText(s[2]) + ' seq=' + s[3] + ' ack=' + s[4] + ' len=' + s[5] + ' win=' + s[6] + (s[7] ? ' [' + expertText(s[7]) + ']' : '');
      g.appendChild(el('text', { x: (left + right) / 2, y: y + 6, 'text-anchor': 'middle', fill: colour }, label));
      g.appendChild(el('text', { x: 8, y: y + 10, fill: '#666' }, '+' + dur(s[0])));
      var state = null, f = s[2];
      if (f & 4) state = 'CLOSED';
      else if ((f & 18) === 2) state = 'SYN-SENT';
      else if (f & 2) state = 'SYN-RECEIVED';
      else if (f & 1) { state = fin[1 - s[1]] ? 'LAST-ACK' : 'FIN-WAIT-1'; fin[s[1]] = true; }
      if (state) g.appendChild(el('text', { x: s[1] === 0 ? left - 6 : right + 6, y: y + 4, 'text-anchor': s[1] === 0 ? 'end' : 'start', fill: '#0a6b2d' }, state));
      svg.appendChild(g);
    });
    if (segs.length < c[18])
      svg.appendChild(el('text', { x: 10, y: height - 8, fill: '#666' }, (c[18] - segs.length) + ' more segments not drawn'));
    return svg;
  }

  var current = null;
  function show(row) {
    if (current) current.classList.remove('selected');
    var c = conns[row.dataset.index];
    row.classList.add('selected');
    current = row;
    if (c[17].length === 0) {
      var p = document.createElement('p');
      p.textContent = 'No segments were kept for stream ' + c[0] + ' (the report keeps ladders for a bounded number of segments).';
      ladder.replaceChildren(p);
    } else {
      ladder.replaceChildren(drawLadder(c));
    }
    ladder.hidden = false;
    ladder.scrollIntoView({ block: 'nearest' });
  }
  tbody.addEventListener('click', function (e) { var r = e.target.closest('tr.conn'); if (r) show(r); });
  tbody.addEventListener('keydown', function (e) { var r = e.target.closest('tr.conn'); if (r && e.key === 'Enter') show(r); });

  (function timeline() {
    var holder = document.getElementById('timeline');
    if (conns.length === 0) { holder.textContent = 'No connections.'; return; }
    var span = 1, holders = {}, order = [];
    conns.forEach(function (c) {
      span = Math.max(span, c[1] + c[2], c[16] >= 0 ? c[16] + windowUs : 0);
      if (c[16] >= 0 && c[9]) { if (!holders[c[9]]) { holders[c[9]] = []; order.push(c[9]); } holders[c[9]].push(c[16]); }
    });
    order.sort(function (a, b) { return holders[b].length - holders[a].length; });
    order = order.slice(0, 10);
    var W = 1000, x0 = 150, lanes = Math.min(conns.length, 150), laneH = Math.max(2, Math.floor(300 / lanes)), connH = lanes * laneH;
    var h = 20 + connH + 10 + order.length * 16 + 24, out = [];
    function X(us) { return (x0 + us / span * (W - x0 - 10)).toFixed(1); }
    out.push('<svg xmlns="' + NS + '" width="' + W + '" height="' + h + '" font-family="DejaVu Sans, sans-serif" font-size="11">');
    out.push('<text x="4" y="14">connections</text>');
    conns.forEach(function (c, i) {
      var lane = Math.floor(i * lanes / conns.length), colour = c[5] === 'SF' ? '#0a6b2d' : /^(REJ|RST)/.test(c[5]) ? '#b3261e' : '#1f3b73';
      out.push('<rect class="conn-bar" x="' + X(c[1]) + '" y="' + (20 + lane * laneH) + '" width="' + Math.max(1, c[2] / span * (W - x0 - 10)).toFixed(1) +
        '" height="' + Math.max(1, laneH - 1) + '" fill="' + colour + '"></rect>');
    });
    order.forEach(function (host, k) {
      var y = 30 + connH + k * 16;
      out.push('<text x="4" y="' + (y + 10) + '">' + esc(host) + '</text>');
      holders[host].forEach(function (end) {
        out.push('<rect class="time-wait" x="' + X(end) + '" y="' + y + '" width="' + Math.max(1, windowUs / span * (W - x0 - 10)).toFixed(1) +
          '" height="12" fill="#a05a00" fill-opacity="0.25"></rect>');
      });
    });
    out.push('<text x="' + x0 + '" y="' + (h - 6) + '">0 s</text><text x="' + (W - 10) + '" y="' + (h - 6) + '" text-anchor="end">' + (span / 1e6).toFixed(1) + ' s</text></svg>');
    holder.innerHTML = out.join('');
  })();

  var wanted = /^#stream-(\d+)$/.exec(location.hash);
  var first = wanted ? tbody.querySelector('tr.conn[data-stream="' + wanted[1] + '"]') : rows[0];
  if (first) show(first);
})();
""";
}
