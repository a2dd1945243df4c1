import ACDCore
import Foundation

/// The agent page at `/agent`: one page, no outside fetches, behind the token like the API (`?access_token=`, as the
/// wallboard). An agent logs in to a group, goes ready or not ready with a reason, sees the offered or current call
/// (its entry, caller type, IVR path, queue and wait), ends the talk and the wrap-up, and logs out. It acts through
/// the same `/v1/agents` commands as any client and follows `/v1/events` to see a call arrive. An agent whose SIP
/// phone has registered is already logged in: the page attaches to them. docs/api.md, "The agent page".
enum AgentPage {
    /// The page with the model's groups, external ones first (those are the ones people log in to).
    static func page(groups: [AgentGroup]) -> String {
        let ordered = groups.filter(\.external) + groups.filter { !$0.external }
        let names = ordered.map(\.name)
        let json = (try? JSONEncoder().encode(names)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        // JSON inside a script element: no "</script>" can be formed.
        let safe = json.replacingOccurrences(of: "<", with: "\\u003c")
        return template.replacingOccurrences(of: "__GROUPS__", with: safe)
    }

    static let reasons = ["break", "lunch", "training", "meeting", "admin", "other"]

    private static let template = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>acdd agent</title><link rel="icon" href="data:,">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#17202a}
        header{display:flex;justify-content:space-between;align-items:baseline;padding:10px 20px;background:#17202a;
        color:#eef2f5}
        h1{font-size:19px;margin:0}#status{font-size:13px;color:#b8c4cf}
        main{max-width:760px;margin:18px auto;padding:0 16px}
        section{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:14px 18px;margin-bottom:14px}
        h2{font-size:14px;text-transform:uppercase;color:#5b6b7a;margin:0 0 10px}
        label{display:inline-block;margin-right:10px;font-size:14px}
        input,select,button{font:inherit;font-size:15px;padding:6px 10px;border-radius:6px;border:1px solid #aab6c2}
        button{background:#1f6feb;color:#fff;border-color:#1f6feb;cursor:pointer;margin:4px 6px 4px 0}
        button:disabled,button.quiet:disabled{background:#c9d1d9;border-color:#c9d1d9;color:#6e7781;cursor:default}
        button.quiet{background:#fff;color:#1f2328;border-color:#aab6c2}
        #state{font-size:26px;font-weight:700}#since{color:#5b6b7a;font-size:14px}
        .ready{color:#1a7f37}.talking{color:#1f6feb}.ringing{color:#bf8700}.wrap-up{color:#8250df}
        .not-ready{color:#cf222e}.logged-out{color:#6e7781}
        dl{display:grid;grid-template-columns:9em 1fr;gap:6px 12px;margin:0;font-size:15px}
        dt{color:#5b6b7a}dd{margin:0;font-variant-numeric:tabular-nums}
        #error{color:#cf222e;min-height:1.2em;font-size:14px}
        #nocall{color:#6e7781}[hidden]{display:none!important}
        </style></head><body>
        <header><h1>acdd agent</h1><span id="status">connecting</span></header>
        <main>
        <section id="login-box"><h2>Log in</h2>
        <label>Agent <input id="name" autocomplete="username" maxlength="64" size="16"></label>
        <label>Group <select id="group"></select></label>
        <button id="login">Log in</button></section>
        <section id="agent-box" hidden><h2>Agent <span id="who"></span></h2>
        <div><span id="state">-</span> <span id="since"></span></div>
        <div id="reason-line"></div>
        <div style="margin-top:10px">
        <button id="ready">Ready</button>
        <select id="reason">__REASONS__</select>
        <button id="not-ready" class="quiet">Not ready</button>
        <button id="end-talk">End call</button>
        <button id="end-wrap-up">End wrap-up</button>
        <button id="logout" class="quiet">Log out</button></div></section>
        <section id="call-box" hidden><h2 id="call-title">Call</h2>
        <p id="nocall">No call.</p>
        <dl id="call" hidden>
        <dt>Call</dt><dd id="call-id"></dd>
        <dt>State</dt><dd id="call-state"></dd>
        <dt>Entry</dt><dd id="call-entry"></dd>
        <dt>Caller type</dt><dd id="call-intent"></dd>
        <dt>IVR path</dt><dd id="call-path"></dd>
        <dt>Queue</dt><dd id="call-queue"></dd>
        <dt>Waited</dt><dd id="call-wait"></dd>
        <dt>Channel</dt><dd id="call-channel"></dd>
        </dl></section>
        <div id="error"></div>
        </main>
        <script>
        const groups = __GROUPS__;
        const params = new URLSearchParams(location.search);
        const token = params.get('access_token');
        const q = token ? '?access_token=' + encodeURIComponent(token) : '';
        const $ = id => document.getElementById(id);
        const secs = s => s >= 60 ? Math.floor(s / 60) + ' m ' + String(Math.round(s % 60)).padStart(2, '0') + ' s'
          : Math.round(s) + ' s';
        let me = null, agent = null, lastCall = null, lastView = null, busy = false;
        for (const g of groups) { const o = document.createElement('option'); o.textContent = g; $('group').append(o); }
        $('name').value = params.get('agent') || sessionStorage.getItem('acdd-agent') || '';

        async function api(method, path, body) {
          const r = await fetch('/v1' + path + q, {method, headers: body ? {'Content-Type': 'application/json'} : {},
            body: body ? JSON.stringify(body) : undefined});
          const text = await r.text();
          let data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (!r.ok) throw new Error((data && (data.detail || data.title)) || ('HTTP ' + r.status));
          return data;
        }
        function shown(e) { $('error').textContent = e ? e.message : ''; }
        async function act(path, body) {
          if (busy) return;
          busy = true;
          try { agent = await api('POST', '/agents/' + encodeURIComponent(me) + '/' + path, body || {}); shown(null); }
          catch (e) { shown(e); }
          busy = false;
          await refresh();
        }
        $('login').onclick = async () => {
          const name = $('name').value.trim();
          if (!name) { shown(new Error('give an agent name')); return; }
          me = name;
          sessionStorage.setItem('acdd-agent', name);
          try {
            const all = await api('GET', '/agents');
            const known = all.agents.find(a => a.id === name);
            if (!known || known.state === 'logged-out') {
              agent = await api('POST', '/agents/' + encodeURIComponent(name) + '/login', {group: $('group').value});
            }
            shown(null);
          } catch (e) { shown(e); me = null; return; }
          $('login-box').hidden = true;
          $('agent-box').hidden = false;
          $('call-box').hidden = false;
          $('who').textContent = name;
          await refresh();
        };
        $('ready').onclick = () => act('ready');
        $('not-ready').onclick = () => act('not-ready', {reason: $('reason').value});
        $('end-talk').onclick = () => act('end-talk');
        $('end-wrap-up').onclick = () => act('end-wrap-up');
        $('logout').onclick = async () => {
          await act('logout');
          me = null; lastCall = null; lastView = null;
          $('login-box').hidden = false;
        };

        async function refresh() {
          if (!me) return;
          try {
            const all = await api('GET', '/agents');
            agent = all.agents.find(a => a.id === me) || {id: me, state: 'logged-out', since: 0};
            if (agent.call != null && agent.call !== lastCall) { lastCall = agent.call; lastView = null; }
            // A call just ended may be missing for a moment until its last event is kept: the view shown stays.
            if (lastCall != null) {
              try { lastView = await api('GET', '/calls/' + lastCall); } catch (e) { }
            }
            draw(lastView);
            $('status').textContent = 'connected';
          } catch (e) { shown(e); $('status').textContent = 'not connected'; }
        }
        function draw(call) {
          const st = agent.state;
          $('state').textContent = st;
          $('state').className = st;
          $('since').textContent = agent.since != null ? 'since ' + clock(agent.since) : '';
          $('reason-line').textContent = st === 'not-ready' && agent.reason ? 'reason: ' + agent.reason : '';
          $('ready').disabled = !(st === 'not-ready' || st === 'wrap-up');
          $('not-ready').disabled = !(st === 'ready' || st === 'wrap-up');
          $('end-talk').disabled = st !== 'talking';
          $('end-wrap-up').disabled = st !== 'wrap-up';
          $('logout').disabled = st === 'logged-out' || st === 'talking' || st === 'ringing';
          const current = agent.call != null;
          $('call-title').textContent = st === 'ringing' ? 'Offered call' : current ? 'Current call'
            : call ? 'Last call' : 'Call';
          $('nocall').hidden = !!call;
          $('call').hidden = !call;
          if (!call) return;
          $('call-id').textContent = call.id;
          $('call-state').textContent = call.state + (call.outcome ? ' (' + call.outcome + ')' : '');
          $('call-entry').textContent = call.entry || '-';
          $('call-intent').textContent = call.intent || '-';
          $('call-path').textContent = call.path && call.path.length ? call.path.join(' \\u2192 ') : '-';
          $('call-queue').textContent = call.queue || '-';
          $('call-wait').textContent = call.waited != null ? secs(call.waited) : '-';
          $('call-channel').textContent = call.channel || '-';
        }
        function clock(t) {
          const s = ((t % 86400) + 86400) % 86400;
          return String(Math.floor(s / 3600)).padStart(2, '0') + ':' + String(Math.floor(s / 60) % 60).padStart(2, '0');
        }
        let pending = false;
        function soon() {
          if (pending) return;
          pending = true;
          setTimeout(() => { pending = false; refresh(); }, 150);
        }
        function follow() {
          const es = new EventSource('/v1/events' + q);
          es.onopen = () => { $('status').textContent = 'connected'; };
          es.onerror = () => { $('status').textContent = 'reconnecting'; };
          for (const kind of ['agent.state', 'call.ringing', 'call.answered', 'call.ended']) {
            es.addEventListener(kind, m => {
              const e = JSON.parse(m.data);
              if (me && (e.agent === me || (lastCall != null && e.call === lastCall))) soon();
            });
          }
        }
        follow();
        setInterval(() => { if (me && agent && agent.call != null) refresh(); }, 1000);
        if (params.get('agent')) $('login').click();
        </script></body></html>
        """.replacingOccurrences(
            of: "__REASONS__", with: reasons.map { "<option>\($0)</option>" }.joined())
}
