// cloudroam dashboard: renders /cloudroam/api/state and follows /cloudroam/api/events.
// No framework: the DOM is rebuilt from each document (they are small), the map and the chart are
// Apache ECharts instances updated in place.
'use strict';

(function () {
  const COLORS = { up: '#2e7d32', down: '#c62828', unknown: '#9e9e9e' };
  const map = echarts.init(document.getElementById('map'));
  const chart = echarts.init(document.getElementById('chart'));
  const filter = document.getElementById('vni-filter');
  const vmFilter = document.getElementById('vm-filter');
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

  function selectedVm() {
    return vmFilter.value === '' ? null : doc.vms.find(vm => vmKey(vm.vni, vm.mac) === vmFilter.value) || null;
  }

  function vmLabel(vm) {
    const ip = vm.ips.find(a => !a.includes(':'));
    return (vm.name ? vm.name + ' ' : '') + vm.mac + (ip ? ' ' + ip : '') + ' (VNI ' + vm.vni + ', ' + vm.cloud + ')';
  }

  // a VM as people call it: its name (the iface-id its cloud plugged it with) and its MAC
  function vmName(vni, mac) {
    const vm = doc.vms.find(v => v.vni === vni && v.mac === mac);
    return vm && vm.name ? vm.name + ' ' + mac : mac;
  }

  function renderVmFilter() {
    const vms = doc.vms.filter(vm => visible(vm.vni))
      .sort((a, b) => a.vni - b.vni || (a.name || a.mac).localeCompare(b.name || b.mac));
    const current = vmFilter.value;
    vmFilter.replaceChildren(el('option', { value: '' }, 'all'));
    for (const vm of vms) vmFilter.append(el('option', { value: vmKey(vm.vni, vm.mac) }, vmLabel(vm)));
    vmFilter.value = vms.some(vm => vmKey(vm.vni, vm.mac) === current) ? current : '';
  }

  // The traffic of the selection, as (from cloud, to cloud) pairs: for one VM, between its cloud and
  // every other cloud holding a VM of its network; otherwise, per shown network, between every two
  // clouds holding its VMs.
  function trafficPairs() {
    const pairs = new Map();
    const add = (a, b) => { if (a !== b) pairs.set(a + '>' + b, [a, b]); };
    const vm = selectedVm();
    if (vm !== null) {
      for (const peer of doc.vms) {
        if (peer.vni === vm.vni) { add(vm.cloud, peer.cloud); add(peer.cloud, vm.cloud); }
      }
      return Array.from(pairs.values());
    }
    const byVni = new Map();
    for (const each of doc.vms) {
      if (!visible(each.vni)) continue;
      if (!byVni.has(each.vni)) byVni.set(each.vni, new Set());
      byVni.get(each.vni).add(each.cloud);
    }
    for (const clouds of byVni.values()) {
      for (const a of clouds) for (const b of clouds) add(a, b);
    }
    return Array.from(pairs.values());
  }

  function edgeKey(a, b) { return a < b ? a + '-' + b : b + '-' + a; }

  // Which tunnels carry the selection's traffic and which clouds relay it, by the routes in force
  // (the document's paths: the clouds traffic from one cloud to VMs in another crosses).
  function traffic() {
    const used = new Map(); // edge key -> the paths over it
    const transit = new Map(); // cloud -> the paths it relays
    for (const [from, to] of trafficPairs()) {
      const known = (doc.paths || []).find(p => p.from === from && p.to === to);
      const clouds = known ? known.clouds : [from, to];
      const text = clouds.join(' → ');
      for (let i = 0; i + 1 < clouds.length; i++) {
        const key = edgeKey(clouds[i], clouds[i + 1]);
        if (!used.has(key)) used.set(key, []);
        used.get(key).push(text);
      }
      for (const middle of clouds.slice(1, -1)) {
        if (!transit.has(middle)) transit.set(middle, []);
        transit.get(middle).push(text);
      }
    }
    return { used: used, transit: transit };
  }

  function selectionText() {
    const vm = selectedVm();
    if (vm !== null) return 'VM ' + vmLabel(vm);
    return filter.value === '' ? 'all virtual networks' : 'virtual network ' + filter.value;
  }

  function renderPaths(flows) {
    document.getElementById('path-scope').textContent = selectionText();
    const items = [];
    for (const edge of doc.edges) {
      const key = edgeKey(edge.a, edge.b);
      const over = flows.used.get(key);
      items.push(el('li', { 'data-link': key, 'data-used': String(over !== undefined),
          class: over !== undefined ? 'used' : 'unused' },
        edge.a + ' – ' + edge.b + ': ' + (over !== undefined ? over.join(', ') : 'unused')));
    }
    for (const [cloud, over] of flows.transit) {
      items.push(el('li', { 'data-transit': cloud, class: 'transit' }, cloud + ' relays ' + over.join(', ')));
    }
    document.getElementById('path-list').replaceChildren(...items);
  }

  function mtu(bytes) { return bytes === undefined ? '' : ', carries MTU ' + bytes; }

  function renderMap() {
    const clouds = doc.clouds.filter(c => filter.value === ''
      || (doc.networks.find(n => String(n.vni) === filter.value) || { clouds: [] }).clouds.includes(c.id));
    const cloudIds = new Set(clouds.map(c => c.id));
    const flows = traffic();
    renderPaths(flows);
    const nodes = [];
    const links = [];
    const radius = 160;
    clouds.forEach((cloud, i) => {
      const angle = -Math.PI / 2 + 2 * Math.PI * i / Math.max(clouds.length, 1);
      cloud.x = 300 + radius * Math.cos(angle);
      cloud.y = 230 + radius * Math.sin(angle);
      const relays = flows.transit.get(cloud.id);
      nodes.push({ id: 'cloud:' + cloud.id, name: cloud.id, kind: 'cloud', cloud: cloud.id, x: cloud.x, y: cloud.y,
        transit: relays !== undefined, symbolSize: 58,
        itemStyle: relays !== undefined ? { color: '#14324a', borderColor: '#f9a825', borderWidth: 6 } : { color: '#14324a' },
        label: { show: true, color: '#fff', fontWeight: 'bold', formatter: cloud.id },
        tooltip: { formatter: cloud.id + (cloud.description ? ' – ' + cloud.description : '')
          + '<br>tunnel endpoint ' + cloud.tunnelEndpoint + '<br>' + cloud.vms + ' VMs'
          + (relays !== undefined ? '<br>relays ' + relays.join(', ') : '') } });
    });
    for (const edge of doc.edges) {
      if (!cloudIds.has(edge.a) || !cloudIds.has(edge.b)) continue;
      const over = flows.used.get(edgeKey(edge.a, edge.b));
      const label = ms(edge.abLatencyMs) + ' → / ← ' + ms(edge.baLatencyMs) + (over === undefined ? ' · unused' : '');
      // a tunnel carrying the selection's traffic is drawn thick, one it does not use thin and faint
      links.push({ source: 'cloud:' + edge.a, target: 'cloud:' + edge.b, kind: 'tunnel', state: edge.state,
        used: over !== undefined,
        lineStyle: { color: COLORS[edge.state] || COLORS.unknown, width: over !== undefined ? 6 : 2,
          opacity: over !== undefined ? 1 : 0.4, type: edge.state === 'down' ? 'dashed' : 'solid' },
        label: { show: true, formatter: label, fontSize: 11 },
        tooltip: { formatter: edge.a + ' ↔ ' + edge.b + ': ' + edge.state + '<br>' + edge.a + ' → ' + edge.b + ' '
          + ms(edge.abLatencyMs) + mtu(edge.abOverlayMtu) + '<br>' + edge.b + ' → ' + edge.a + ' '
          + ms(edge.baLatencyMs) + mtu(edge.baOverlayMtu) + '<br>'
          + (over === undefined ? 'carries none of the selection\'s traffic' : 'carries ' + over.join(', ')) } });
    }
    const byCloud = new Map();
    const chosen = selectedVm();
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
        const picked = chosen !== null && chosen.mac === vm.mac && chosen.vni === vm.vni;
        const id = 'vm:' + vmKey(vm.vni, vm.mac);
        nodes.push({ id: id, name: vm.mac, kind: 'vm', cloud: vm.cloud, vni: vm.vni, mac: vm.mac,
          x: cloud.x + 85 * Math.cos(angle), y: cloud.y + 85 * Math.sin(angle), symbolSize: moved || picked ? 20 : 14,
          itemStyle: { color: moved ? '#f9a825' : '#5c8fbf', borderColor: '#14324a', borderWidth: picked ? 3 : 0 },
          label: { show: true, position: 'right', fontSize: 10,
            formatter: vm.name || vm.ips.find(ip => !ip.includes(':')) || vm.mac },
          tooltip: { formatter: (vm.name ? vm.name + '<br>' : '') + vm.mac + '<br>VNI ' + vm.vni + ', ' + vm.cloud + ' port ' + vm.port
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
      .sort((a, b) => a.cloud.localeCompare(b.cloud) || a.vni - b.vni || (a.name || a.mac).localeCompare(b.name || b.mac))
      .map(vm => el('tr', { 'data-mac': vm.mac, 'data-vni': String(vm.vni), 'data-cloud': vm.cloud,
          class: vmFilter.value === vmKey(vm.vni, vm.mac) ? 'picked' : '', title: 'show this VM\'s paths' },
        el('td', {}, vm.cloud), el('td', {}, vm.vni), el('td', { class: 'name' }, vm.name || '–'),
        el('td', { class: 'mono' }, vm.mac),
        el('td', { class: 'mono' }, vm.ips.join(', ')), el('td', {}, vm.port)));
    document.querySelector('#vm-table tbody').replaceChildren(...rows);
  }

  function pathText(path) { return path.join(' → '); }

  // each phase of a migration as the time since its signal: the evidence (trigger, verification)
  // is on the line above
  function phasesText(m) {
    const at = value => value === undefined ? '…' : '+' + value.toFixed(1) + ' ms';
    const prepared = m.preparedMs === undefined ? '' : 'prepared ' + (m.preparedMs / 1000).toFixed(2) + ' s · ';
    const newCloud = m.newCloudMs === undefined ? '' : ' · new cloud ' + at(m.newCloudMs);
    return prepared + 'signal seen ' + time(m.signalSeen) + ' · verified ' + at(m.verifiedMs) + ' · flows sent '
      + at(m.flowsSentMs) + newCloud + ' · confirmed ' + at(m.reconvergenceMs);
  }

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
        el('div', { class: 'what' }, '#' + m.id + ' ' + vmName(m.vni, m.mac) + ' (VNI ' + m.vni + ') ' + m.fromCloud + ' → ' + m.toCloud),
        el('div', {}, time(m.signalSeen) + ' · evidence: ' + m.trigger + ', ' + m.verification + ' · reconverged in '
          + (m.reconvergenceMs === undefined ? '…' : m.reconvergenceMs.toFixed(1) + ' ms') + ' (' + m.confirmedBy
          + ', ' + m.flowsChanged + (m.flowsChanged === 1 ? ' flow' : ' flows') + ' on ' + m.switches
          + (m.switches === 1 ? ' switch)' : ' switches)')),
        el('div', { class: 'phases' }, phasesText(m)),
        paths);
      if (seenMigrations !== null && !seenMigrations.has(m.id)) li.classList.add('fresh');
      return li;
    });
    document.getElementById('timeline').replaceChildren(...items);
    const conflicts = doc.conflicts.filter(c => visible(c.vni)).slice().reverse().map(c =>
      el('li', { 'data-id': String(c.id), 'data-mac': c.mac },
        el('div', { class: 'what' }, vmName(c.vni, c.mac) + ' (VNI ' + c.vni + '): ' + c.reason),
        el('div', {}, time(c.seen) + ' · stays at ' + c.atCloud + ', claimed at ' + c.claimedCloud)));
    document.getElementById('conflicts').replaceChildren(...conflicts);
  }

  function margin(range) { return Math.max(30000, (range.max - range.min) * 0.05); }

  function renderChart() {
    // one point per migration: when its signal was seen, and how long until its flows were confirmed
    const data = doc.migrations.filter(m => visible(m.vni) && m.reconvergenceMs !== undefined)
      .map(m => [new Date(m.signalSeen).getTime(), m.reconvergenceMs, m.mac, m.id]);
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 24, top: 28, bottom: 44 },
      tooltip: { trigger: 'item', formatter: item => '#' + item.value[3] + ' ' + item.value[2] + ' at '
        + new Date(item.value[0]).toLocaleTimeString(undefined, { hour12: false }) + ': '
        + item.value[1].toFixed(1) + ' ms' },
      // the axis spans the migrations shown, with a margin (ECharts would span days around one point)
      xAxis: { type: 'time', name: 'signal seen (local time)', nameLocation: 'middle', nameGap: 28,
        min: range => isFinite(range.min) ? range.min - margin(range) : null,
        max: range => isFinite(range.max) ? range.max + margin(range) : null,
        splitNumber: 4, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', name: 'reconvergence (ms)', min: 0, nameTextStyle: { align: 'left' } },
      series: [{ type: 'scatter', data: data, symbolSize: 10, itemStyle: { color: '#5c8fbf' } }]
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
      vmFilter: [doc.vms, filter.value, vmFilter.value],
      map: [doc.clouds, doc.networks, doc.edges, doc.vms, doc.paths, filter.value, vmFilter.value,
        Array.from(recentlyMoved.keys())],
      vms: [doc.vms, filter.value, vmFilter.value],
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
    if (changed('vmFilter')) renderVmFilter();
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
  vmFilter.addEventListener('change', render);
  // a click on a VM's row shows its paths; a second click shows the whole selection again
  document.querySelector('#vm-table tbody').addEventListener('click', event => {
    const row = event.target.closest('tr');
    if (!row) return;
    const key = vmKey(row.getAttribute('data-vni'), row.getAttribute('data-mac'));
    vmFilter.value = vmFilter.value === key ? '' : key;
    render();
  });
  window.addEventListener('resize', () => { map.resize(); chart.resize(); });
  connect();
})();
