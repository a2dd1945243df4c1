/// The wallboard at `/`: one page, no outside fetches. It reads `GET /v1/queues` at start and again (at most once a
/// second) whenever the event stream says something happened, and shows per queue the calls waiting, the longest
/// wait, agents by state and today's ASA, abandonment and service level coloured against target; per entry, the
/// share deflected.
enum Wallboard {
    static let page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>acdd wallboard</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#10151c;color:#e8edf2}
        header{display:flex;justify-content:space-between;align-items:baseline;padding:12px 20px;background:#18202a}
        h1{font-size:20px;margin:0}#clock{font-size:18px;font-variant-numeric:tabular-nums}
        #status{font-size:13px;color:#9fb0c0}
        main{padding:16px 20px}
        table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;margin-bottom:22px}
        th,td{padding:7px 10px;text-align:right;border-bottom:1px solid #26313d;font-size:16px}
        th{color:#9fb0c0;font-weight:600;font-size:13px;text-transform:uppercase}
        th:first-child,td:first-child{text-align:left}
        td.ok{color:#5fd38d}td.miss{color:#ff6b6b;font-weight:700}td.none{color:#e8edf2}
        .big{font-size:22px;font-weight:700}
        h2{font-size:15px;color:#9fb0c0;margin:6px 0}
        </style></head><body>
        <header><h1>acdd wallboard</h1><span id="clock">--:--</span><span id="status">connecting</span></header>
        <main>
        <h2>Queues today</h2>
        <table><thead><tr><th>Queue</th><th>Waiting</th><th>Longest wait</th><th>Ready</th><th>Talking</th>
        <th>Wrap-up</th><th>Not ready</th><th>Offered</th><th>ASA</th><th>Abandoned</th><th>Service level</th>
        <th>IVR deflection</th></tr></thead>
        <tbody id="queues"></tbody></table>
        <h2>Entries today</h2>
        <table><thead><tr><th>Entry</th><th>Callers</th><th>Queued</th><th>Self-served</th><th>Deflected</th>
        <th>Deflection</th></tr></thead><tbody id="entries"></tbody></table>
        </main>
        <script>
        const token = new URLSearchParams(location.search).get('access_token');
        const q = token ? '?access_token=' + encodeURIComponent(token) : '';
        const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
        const secs = s => s >= 3600 ? (s / 3600).toFixed(1) + ' h' : s >= 60 ? Math.floor(s / 60) + ' m ' +
          String(Math.round(s % 60)).padStart(2, '0') + ' s' : Math.round(s) + ' s';
        const pct = x => (100 * x).toFixed(1) + '%';
        const mark = met => met === true ? 'ok' : met === false ? 'miss' : 'none';
        function row(x) {
          const t = x.today, a = x.agents;
          return '<tr><td>' + esc(x.name) + '</td><td class="big">' + x.waiting + '</td><td>' + secs(x.longestWait) +
            '</td><td>' + a.ready + '</td><td>' + a.talking + '</td><td>' + a.wrapUp + '</td><td>' + a.notReady +
            '</td><td>' + t.offered + '</td><td class="' + mark(t.asaMet) + '">' + secs(t.asa) +
            (t.targets.asa != null ? ' / ' + secs(t.targets.asa) : '') + '</td><td class="' + mark(t.abandonmentMet) +
            '">' + pct(t.abandonment) + (t.targets.abandonment != null ? ' / ' + pct(t.targets.abandonment) : '') +
            '</td><td class="' + mark(t.serviceLevelMet) + '">' + pct(t.serviceLevel) +
            (t.targets.serviceLevel != null ? ' / ' + pct(t.targets.serviceLevel) : '') +
            '</td><td class="' + mark(t.deflectionMet) + '">' + pct(t.deflection) +
            (t.targets.deflection != null ? ' / ' + pct(t.targets.deflection) : '') + '</td></tr>';
        }
        function entry(e) {
          return '<tr><td>' + esc(e.name) + '</td><td>' + e.callers + '</td><td>' + e.queued + '</td><td>' +
            e.selfServed + '</td><td>' + e.deflected + '</td><td>' + pct(e.deflection) + '</td></tr>';
        }
        let pending = false, last = 0;
        async function refresh() {
          pending = false; last = Date.now();
          try {
            const r = await fetch('/v1/queues' + q);
            if (!r.ok) throw new Error(r.status);
            const s = await r.json();
            document.getElementById('clock').textContent = s.weekday + ' ' + s.clock + ' (day ' + s.day + ')';
            document.getElementById('queues').innerHTML = s.queues.map(row).join('');
            document.getElementById('entries').innerHTML = s.entries.map(entry).join('');
          } catch (e) { document.getElementById('status').textContent = 'error ' + e.message; }
        }
        function soon() {
          if (pending) return;
          pending = true;
          setTimeout(refresh, Math.max(0, 1000 - (Date.now() - last)));
        }
        const events = new EventSource('/v1/events' + q + (q ? '&' : '?') + 'after=' + Number.MAX_SAFE_INTEGER);
        let seen = 0;
        ['call.arrived','call.queued','call.answered','call.ended','agent.state'].forEach(t =>
          events.addEventListener(t, () => { seen++; soon(); }));
        events.onopen = () => document.getElementById('status').textContent = 'live';
        events.onerror = () => document.getElementById('status').textContent = 'reconnecting';
        setInterval(() => {
          document.getElementById('status').textContent = 'live, ' + seen + ' events'; soon();
        }, 5000);
        refresh();
        </script></body></html>
        """
}
