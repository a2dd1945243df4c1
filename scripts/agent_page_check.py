#!/usr/bin/env python3
"""The agent page in a real browser: headless Chromium driven by selenium through Debian's chromedriver.

Usage: agent_page_check.py BASE TOKEN [--shot SCREENSHOT.png]
       agent_page_check.py BASE --phone NAME --sip-port PORT --number NUMBER [--shot SCREENSHOT.png]

Against an acdd serving Tests/ACDServerTests/Centre (the desk group is external) on a weekday morning, it logs in as
an agent by clicking, places a caller through the API who keys 1 at the menu, and checks that the page shows no call
while not ready; that clicking Ready brings the call, with its entry, caller type, IVR path, queue and wait; that End
call gives wrap-up and End wrap-up gives ready; that Not ready with a reason reaches the API; and that Log out logs
the agent out. Each step is also checked against the API, so the page cannot agree with itself only.

With --phone (scripts/sip-agent-checks.sh: a daemon on loopback with no token, and NAME's test phone registered,
answering after 2 s), the page attaches to the agent the REGISTER logged in, clicking Ready brings a SIP caller
(scripts/sip/bridge_probe.py) whose call the page shows as offered while the phone rings, then current while it
talks, then the wrap-up the daemon ends by itself.
"""
import json
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import argparse
import subprocess

parser = argparse.ArgumentParser()
parser.add_argument("base")
parser.add_argument("token", nargs="?", default="")
parser.add_argument("--shot", help="a screenshot of the page at the call (and at a failure)")
parser.add_argument("--phone", help="an agent whose SIP phone has registered")
parser.add_argument("--sip-port", type=int)
parser.add_argument("--number")
ARGS = parser.parse_args()
BASE, TOKEN, SHOT = ARGS.base, ARGS.token, ARGS.shot
AGENT = ARGS.phone or "carol"


def api(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if TOKEN:
        req.add_header("Authorization", "Bearer " + TOKEN)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


def agent_state():
    for a in api("GET", "/v1/agents")["agents"]:
        if a["id"] == AGENT:
            return a
    return None


def fail(message):
    print(f"agent-page: FAIL: {message}", file=sys.stderr)
    if SHOT:
        driver.save_screenshot(SHOT)
        print(f"agent-page: the page as it was: {SHOT}", file=sys.stderr)
    driver.quit()
    sys.exit(1)


def wait_for(what, predicate, timeout=15):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: predicate())
    except Exception:
        fail(f"{what} (state shown: {text('state')!r}, call shown: {text('call-id')!r}, "
             f"error shown: {text('error')!r})")


def text(element_id):
    return driver.find_element(By.ID, element_id).text


def click(element_id):
    button = driver.find_element(By.ID, element_id)
    if not button.is_enabled():
        fail(f"the {element_id} button is disabled in state {text('state')!r}")
    button.click()


options = webdriver.ChromeOptions()
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=900,900"]:
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

def phone_run():
    """The page beside a SIP phone: attach, ready, the offered call ringing, talking, wrap-up ended by the daemon."""
    driver.get(f"{BASE}/agent?agent={AGENT}")
    wait_for("the page to attach to the registered agent", lambda: text("state") == "not-ready")
    print(f"agent-page: ok: /agent?agent={AGENT} attached to the agent the phone's REGISTER logged in (not-ready)")
    click("ready")
    wait_for("ready after clicking Ready", lambda: text("state") == "ready")
    caller = subprocess.Popen(
        [sys.executable, "bridge_probe.py", "--port", str(ARGS.sip_port), "--number", ARGS.number, "--seconds", "1",
         "--wait", "20"], cwd="scripts/sip", stdout=subprocess.PIPE)
    wait_for("the offered call while the phone rings", lambda: text("state") == "ringing" and text("call-id"))
    offered = {k: text("call-" + k) for k in ["state", "entry", "channel", "queue"]}
    if "offered" not in text("call-title").lower() or offered != {
            "state": "ringing", "entry": "phones line", "channel": "sip", "queue": "help"}:
        fail(f"while the phone rings the page shows {text('call-title')!r} {offered}")
    if SHOT:
        driver.save_screenshot(SHOT)
    print(f"agent-page: ok: while the phone rang the page showed the offered call {text('call-id')}: {offered}")
    wait_for("talking once the phone answered", lambda: text("state") == "talking", timeout=10)
    call = text("call-id")
    api_call = api("GET", f"/v1/calls/{call}")
    if api_call.get("state") != "talking" or api_call.get("agent") != AGENT:
        fail(f"the API shows call {call} as {api_call.get('state')} with {api_call.get('agent')}")
    print(f"agent-page: ok: the phone answered: call {call} talking, waited {text('call-wait')!r} (the ring counts)")
    wait_for("the wrap-up after the caller's BYE", lambda: text("state") == "wrap-up", timeout=30)
    wait_for("ready when the daemon ends the wrap-up", lambda: text("state") == "ready", timeout=10)
    caller.wait(timeout=30)
    print("agent-page: ok: the caller hung up: wrap-up, then ready by the daemon's wrap-up timer, all shown")
    driver.quit()
    sys.exit(0)


if ARGS.phone:
    phone_run()

# Without the token the page is refused like the API.
driver.get(BASE + "/agent")
if "unauthorized" not in driver.page_source:
    fail("/agent without the token was served")
print("agent-page: ok: /agent without the token is refused (401 unauthorized)")

driver.get(BASE + "/agent?access_token=" + TOKEN)
groups = [o.text for o in Select(driver.find_element(By.ID, "group")).options]
if groups[:1] != ["desk"]:
    fail(f"the group list starts {groups}, not with the external group desk")
driver.find_element(By.ID, "name").send_keys(AGENT)
Select(driver.find_element(By.ID, "group")).select_by_visible_text("desk")
click("login")
wait_for("the page to show the agent not ready after log-in", lambda: text("state") == "not-ready")
a = agent_state()
if not a or a["state"] != "not-ready" or a["group"] != "desk":
    fail(f"the API shows {a} after the page's log-in")
print(f"agent-page: ok: logged in by clicking; the API shows {AGENT} in desk, not-ready")

# A caller keys 1 at the menu and waits in council-tax; nobody is ready.
call = api("POST", "/v1/calls", {"entry": "main number", "intent": "council-tax"})["id"]
for _ in range(200):
    c = api("GET", f"/v1/calls/{call}")
    if c.get("awaitingInput"):
        break
    time.sleep(0.05)
else:
    fail(f"call {call} never reached the menu")
api("POST", f"/v1/calls/{call}/input", {"digits": "1"})
for _ in range(200):
    if api("GET", f"/v1/calls/{call}")["state"] == "waiting":
        break
    time.sleep(0.05)
time.sleep(1)
if text("call-id") or not driver.find_element(By.ID, "nocall").is_displayed():
    fail("the page shows a call while the agent is not ready")
print(f"agent-page: ok: call {call} waits in council-tax and the not-ready page shows none")

click("ready")
wait_for("the call to arrive on the page after Ready", lambda: text("call-id") == str(call))
wait_for("the page to show talking", lambda: text("state") == "talking")
shown = {k: text("call-" + k) for k in ["entry", "intent", "path", "queue", "wait", "state", "channel"]}
api_call = api("GET", f"/v1/calls/{call}")
if api_call.get("agent") != AGENT or api_call["state"] != "talking":
    fail(f"the API shows call {call} as {api_call['state']} with {api_call.get('agent')}")
expected = {"entry": "main number", "intent": "council-tax", "queue": "council-tax", "state": "talking",
            "channel": "api"}
for key, value in expected.items():
    if shown[key] != value:
        fail(f"the call's {key} shows {shown[key]!r}, not {value!r}")
if "main/main-menu" not in shown["path"]:
    fail(f"the IVR path shows {shown['path']!r}, without the menu main/main-menu")
if not shown["wait"].endswith(" s") or api_call.get("waited") is None or api_call["waited"] <= 0:
    fail(f"the wait shows {shown['wait']!r}; the API says waited {api_call.get('waited')}")
print(f"agent-page: ok: clicking Ready brought call {call}: entry {shown['entry']!r}, caller type "
      f"{shown['intent']!r}, path {shown['path']!r}, queue {shown['queue']!r}, waited {shown['wait']!r} "
      f"(API: {api_call['waited']:.1f} engine s)")
busy = [b for b in ["ready", "not-ready", "end-wrap-up", "logout"] if driver.find_element(By.ID, b).is_enabled()]
if busy:
    fail(f"while talking these buttons are enabled: {busy}")
if SHOT:
    driver.save_screenshot(SHOT)

click("end-talk")
wait_for("wrap-up after End call", lambda: text("state") == "wrap-up")
if agent_state()["state"] != "wrap-up":
    fail("the API does not show wrap-up after End call")
wait_for("the last call to show as ended", lambda: text("call-state").startswith("ended"))
if text("call-id") != str(call) or "last call" not in text("call-title").lower():
    fail(f"in wrap-up the page should keep the last call; it shows {text('call-title')!r} {text('call-id')!r}")
click("end-wrap-up")
wait_for("ready after End wrap-up", lambda: text("state") == "ready")
if agent_state()["state"] != "ready":
    fail("the API does not show ready after End wrap-up")
print("agent-page: ok: End call gives wrap-up (the last call stays shown), End wrap-up gives ready")

Select(driver.find_element(By.ID, "reason")).select_by_visible_text("lunch")
click("not-ready")
wait_for("not ready after Not ready", lambda: text("state") == "not-ready")
a = agent_state()
if a["state"] != "not-ready" or a.get("reason") != "lunch":
    fail(f"the API shows {a} after Not ready with lunch")
if "lunch" not in text("reason-line"):
    fail(f"the page's reason line is {text('reason-line')!r}")
print("agent-page: ok: Not ready with the reason lunch reaches the API")

# An API command (not the page) changes the state: the page follows the event stream.
api("POST", f"/v1/agents/{AGENT}/ready")
wait_for("the page to follow a ready made through the API", lambda: text("state") == "ready", timeout=5)
print("agent-page: ok: the page follows a change made elsewhere (the event stream)")

click("logout")
wait_for("the log-in box after Log out", lambda: driver.find_element(By.ID, "login-box").is_displayed())
if agent_state()["state"] != "logged-out":
    fail("the API does not show the agent logged out")
# The refused first load is a network error on purpose; script errors are not.
errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE" and e.get("source") != "network"]
if errors:
    fail(f"the browser console has errors: {errors}")
print("agent-page: ok: Log out logs the agent out; no errors in the browser console")
driver.quit()
