// cloudroam dashboard: renders /cloudroam/api/state and follows /cloudroam/api/events.
// No framework: the DOM is rebuilt from each document (they are small), the map and the chart are
// Apache ECharts instances updated in place.
'use strict';

(function () {
  const COLORS = { up: '#2e7d32', down: '#c62828', unknown: '#9e9e9e' };
  const map = echarts.init(document.getElementById('map'));
  const chart = echarts.init(document.getElementById('chart'));
  const filter = document.getElementById('vni-filter');
  let doc = null;
  let seenMigrations = null;
  const recentlyMoved = new Map(); // "vni/mac" -> time the dashboard saw it move
  const drawn = {}; // section -> the JSON of the data it was last drawn from

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'class') node.className = value; else node.setAttribute(key, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function vmKey(vni, mac) { return vni + '/' + mac; }
  function ms(value) { return value === undefined ? '–' : value.toFixed(1) + ' ms'; }
  function visible(vni) { return filter.value === '' || String(vni) === filter.value; }
  function time(iso) { return new Date(iso).toLocaleTimeString(undefined, { hour12: false }) + '.' + iso.substr(20, 3); }

  function renderFilter() {
    const current = filter.value;
    const wanted = [''].concat(doc.networks.map(n => String(n.vni)));
    const have = Array.from(filter.options).map(o => o.value);
    if (wanted.join(',') !== have.join(',')) {
      filter.replaceChildren(el('option', { value: '' }, 'all'));
      for (const n of doc.networks) {
        filter.append(el('option', { value: String(n.vni) }, n.vni + (n.name ? ' ' + n.name : '')));
      }
      filter.value = wanted.includes(current) ? current : '';
    }
  }

  function mtu(bytes) { return bytes === undefined ? '' : ', carries MTU ' + bytes; }

  function renderMap() {
    const clouds = doc.clouds.filter(c => filter.value === ''
      || (doc.networks.find(n => String(n.vni) === filter.value) || { clouds: [] }).clouds.includes(c.id));
    const cloudIds = new Set(clouds.map(c => c.id));
    const nodes = [];
    const links = [];
    const radius = 160;
    clouds.forEach((cloud, i) => {
      const angle = -Math.PI / 2 + 2 * Math.PI * i / Math.max(clouds.length, 1);
      cloud.x = 300 + radius * Math.cos(angle);
      cloud.y = 230 + radius * Math.sin(angle);
      nodes.push({ id: 'cloud:' + cloud.id, name: cloud.id, kind: 'cloud', cloud: cloud.id, x: cloud.x, y: cloud.y,
        symbolSize: 58, itemStyle: { color: '#14324a' },
        label: { show: true, color: '#fff', fontWeight: 'bold', formatter: cloud.id },
        tooltip: { formatter: cloud.id + (cloud.description ? ' – ' + cloud.description : '')
          + '<br>tunnel endpoint ' + cloud.tunnelEndpoint + '<br>' + cloud.vms + ' VMs' } });
    });
    for (const edge of doc.edges) {
      if (!cloudIds.has(edge.a) || !cloudIds.has(edge.b)) continue;
      const label = ms(edge.abLatencyMs) + ' → / ← ' + ms(edge.baLatencyMs);
      links.push({ source: 'cloud:' + edge.a, target: 'cloud:' + edge.b, kind: 'tunnel', state: edge.state,
        lineStyle: { color: COLORS[edge.state] || COLORS.unknown, width: 4, type: edge.state === 'down' ? 'dashed' : 'solid' },
        label: { show: true, formatter: label, fontSize: 11 },
        tooltip: { formatter: edge.a + ' ↔ ' + edge.b + ': ' + edge.state + '<br>' + edge.a + ' → ' + edge.b + ' '
          + ms(edge.abLatencyMs) + mtu(edge.abOverlayMtu) + '<br>' + edge.b + ' → ' + edge.a + ' '
          + ms(edge.baLatencyMs) + mtu(edge.baOverlayMtu) } });
    }
    const byCloud = new Map();
    for (const vm of doc.vms) {
      if (!visible(vm.vni) || !cloudIds.has(vm.cloud)) continue;
      if (!byCloud.has(vm.cloud)) byCloud.set(vm.cloud, []);
      byCloud.get(vm.cloud).push(vm);
    }
    const now = Date.now();
    for (const cloud of clouds) {
      const vms = byCloud.get(cloud.id) || [];
      const outward = Math.atan2(cloud.y - 230, cloud.x - 300);
      vms.forEach((vm, j) => {
        const spread = Math.min(Math.PI * 1.4, 0.6 * vms.length);
        const angle = outward + (vms.length === 1 ? 0 : -spread / 2 + spread * j / (vms.length - 1));
        const moved = now - (recentlyMoved.get(vmKey(vm.vni, vm.mac)) || 0) < 10000;
        const id = 'vm:' + vmKey(vm.vni, vm.mac);
        nodes.push({ id: id, name: vm.mac, kind: 'vm', cloud: vm.cloud, vni: vm.vni, mac: vm.mac,
          x: cloud.x + 85 * Math.cos(angle), y: cloud.y + 85 * Math.sin(angle), symbolSize: moved ? 20 : 14,
          itemStyle: { color: moved ? '#f9a825' : '#5c8fbf' },
          label: { show: true, position: 'right', fontSize: 10,
            formatter: vm.ips.find(ip => !ip.includes(':')) || vm.mac },
          tooltip: { formatter: vm.mac + '<br>VNI ' + vm.vni + ', ' + vm.cloud + ' port ' + vm.port
            + (vm.ips.length ? '<br>' + vm.ips.join(', ') : '') } });
        links.push({ source: 'cloud:' + cloud.id, target: id, kind: 'attachment',
          lineStyle: { color: '#b8c4cf', width: 1 }, label: { show: false }, tooltip: { show: false } });
      });
    }
    map.setOption({
      // no animation: the map redraws every second (the latencies) and must be readable at any time
      animation: false,
      tooltip: {},
      series: [{ type: 'graph', layout: 'none', roam: true, data: nodes, links: links,
        edgeLabel: { show: true }, emphasis: { focus: 'adjacency' } }]
    }, { replaceMerge: ['series'] });
  }

  function renderVmTable() {
    const rows = doc.vms.filter(vm => visible(vm.vni))
      .sort((a, b) => a.cloud.localeCompare(b.cloud) || a.vni - b.vni || a.mac.localeCompare(b.mac))
      .map(vm => el('tr', { 'data-mac': vm.mac, 'data-vni': String(vm.vni), 'data-cloud': vm.cloud },
        el('td', {}, vm.cloud), el('td', {}, vm.vni), el('td', { class: 'mono' }, vm.mac),
        el('td', { class: 'mono' }, vm.ips.join(', ')), el('td', {}, vm.port)));
    document.querySelector('#vm-table tbody').replaceChildren(...rows);
  }

  function pathText(path) { return path.join(' → '); }

  function renderTimeline() {
    const migrations = doc.migrations.filter(m => visible(m.vni));
    document.getElementById('migration-count').textContent = '(' + doc.migrations.length + ')';
    const items = migrations.slice().reverse().map(m => {
      const paths = el('div', { class: 'paths' });
      for (const p of m.paths) {
        paths.append(el('div', {}, 'from ' + p.cloud + ': ' + pathText(p.before) + '  ⇒  ' + pathText(p.after)));
      }
      const li = el('li', { 'data-id': String(m.id), 'data-mac': m.mac, 'data-vni': String(m.vni),
          'data-from': m.fromCloud, 'data-to': m.toCloud },
        el('div', { class: 'what' }, '#' + m.id + ' ' + m.mac + ' (VNI ' + m.vni + ') ' + m.fromCloud + ' → ' + m.toCloud),
        el('div', {}, time(m.signalSeen) + ' · ' + m.trigger + ', ' + m.verification + ' · reconverged in '
          + (m.reconvergenceMs === undefined ? '…' : m.reconvergenceMs.toFixed(1) + ' ms') + ' (' + m.confirmedBy
          + ', ' + m.flowsChanged + (m.flowsChanged === 1 ? ' flow' : ' flows') + ' on ' + m.switches
          + (m.switches === 1 ? ' switch)' : ' switches)')),
        paths);
      if (seenMigrations !== null && !seenMigrations.has(m.id)) li.classList.add('fresh');
      return li;
    });
    document.getElementById('timeline').replaceChildren(...items);
    const conflicts = doc.conflicts.filter(c => visible(c.vni)).slice().reverse().map(c =>
      el('li', { 'data-id': String(c.id), 'data-mac': c.mac },
        el('div', { class: 'what' }, c.mac + ' (VNI ' + c.vni + '): ' + c.reason),
        el('div', {}, time(c.seen) + ' · stays at ' + c.atCloud + ', claimed at ' + c.claimedCloud)));
    document.getElementById('conflicts').replaceChildren(...conflicts);
  }

  function renderChart() {
    const data = doc.migrations.filter(m => visible(m.vni) && m.reconvergenceMs !== undefined)
      .map(m => [String(m.id), m.reconvergenceMs, m.mac]);
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 12, top: 12, bottom: 28 },
      tooltip: { trigger: 'axis', formatter: items => '#' + items[0].value[0] + ' ' + items[0].value[2] + ': '
        + items[0].value[1].toFixed(1) + ' ms' },
      xAxis: { type: 'category', name: 'migration', data: data.map(d => d[0]) },
      yAxis: { type: 'value', name: 'ms' },
      series: [{ type: 'bar', data: data, encode: { x: 0, y: 1 }, itemStyle: { color: '#5c8fbf' } }]
    }, { replaceMerge: ['series'] });
  }

  function renderNetworks() {
    const rows = doc.networks.map(n => el('tr', { 'data-vni': String(n.vni) },
      el('td', {}, n.vni), el('td', {}, n.name), el('td', {}, n.mode), el('td', {}, n.clouds.join(', ')),
      el('td', {}, n.vms), el('td', { class: n.narrowTunnels && n.narrowTunnels.length ? 'warn' : '' },
        n.mtu === undefined ? '–' : n.mtu + ' (' + n.mtuSource + ')'
          + (n.narrowTunnels && n.narrowTunnels.length ? '; too narrow: ' + n.narrowTunnels.join(', ') : ''))));
    document.querySelector('#vni-table tbody').replaceChildren(...rows);
  }

  function renderCounters() {
    const rows = Object.entries(doc.counters || {}).map(([name, count]) => el('tr', { 'data-counter': name },
      el('td', {}, name), el('td', { class: 'count' }, count.toLocaleString('en'))));
    document.querySelector('#counters tbody').replaceChildren(...rows);
  }

  function render() {
    if (doc === null) return;
    if (seenMigrations !== null) {
      for (const m of doc.migrations) {
        if (!seenMigrations.has(m.id)) recentlyMoved.set(vmKey(m.vni, m.mac), Date.now());
      }
    }
    for (const [key, at] of recentlyMoved) {
      if (Date.now() - at >= 10000) recentlyMoved.delete(key);
    }
    // redraw only what changed: the probes rewrite the latencies every second, and a table rebuilt
    // under the operator's pointer loses its selection
    const parts = {
      filter: [doc.networks, filter.value],
      map: [doc.clouds, doc.networks, doc.edges, doc.vms, filter.value, Array.from(recentlyMoved.keys())],
      vms: [doc.vms, filter.value],
      timeline: [doc.migrations, doc.conflicts, filter.value],
      networks: [doc.networks],
      counters: [doc.counters]
    };
    const changed = name => {
      const text = JSON.stringify(parts[name]);
      if (drawn[name] === text) return false;
      drawn[name] = text;
      return true;
    };
    if (changed('filter')) renderFilter();
    if (changed('map')) renderMap();
    if (changed('vms')) renderVmTable();
    if (changed('timeline')) { renderTimeline(); renderChart(); }
    if (changed('networks')) renderNetworks();
    if (changed('counters')) renderCounters();
    seenMigrations = new Set(doc.migrations.map(m => m.id));
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString(undefined, { hour12: false });
    document.body.dataset.version = String(doc.version);
  }

  function connect() {
    const status = document.getElementById('connection');
    const events = new EventSource('api/events');
    events.addEventListener('state', e => {
      doc = JSON.parse(e.data);
      status.textContent = 'live';
      status.className = 'connection live';
      render();
    });
    events.onerror = () => {
      status.textContent = 'reconnecting…';
      status.className = 'connection lost';
    };
  }

  filter.addEventListener('change', render);
  window.addEventListener('resize', () => { map.resize(); chart.resize(); });
  connect();
})();
