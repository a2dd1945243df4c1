#!/usr/bin/env python3
"""Drives a running acdd (the test centre, Tests/ACDServerTests/Centre) through every endpoint and checks each real
response against docs/openapi.yaml: the status must be one the spec lists for the operation, the content type one it
lists for that status, and a JSON body must validate against its schema. Event-stream data lines are checked against
the Event schema. Usage: api_check.py BASE_URL SPEC. Exits 1 on the first mismatch."""
import json
import re
import sys
import time
import urllib.error
import urllib.request

import yaml
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE, SPEC_PATH = sys.argv[1], sys.argv[2]
SPEC = yaml.safe_load(open(SPEC_PATH))
URN = "urn:acdd-openapi"
REGISTRY = Registry().with_resource(URN, Resource.from_contents(SPEC, default_specification=DRAFT202012))
checked = 0


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        path = node["$ref"].lstrip("#/").split("/")
        node = SPEC
        for part in path:
            node = node[part.replace("~1", "/")]
    return node


def operation(method, path):
    for template, item in SPEC["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    raise SystemExit(f"no operation in the spec for {method} {path}")


def validate(instance, pointer):
    OAS31Validator({"$ref": f"{URN}#{pointer}"}, registry=REGISTRY).validate(instance)


def check(method, path, status, content_type, body):
    global checked
    template, op = operation(method, path.split("?")[0])
    responses = op["responses"]
    if str(status) not in responses:
        raise SystemExit(f"{method} {path}: status {status} is not in the spec ({', '.join(responses)})")
    response = resolve(responses[str(status)])
    media = (content_type or "").split(";")[0].strip()
    content = response.get("content", {})
    if content and media not in content:
        raise SystemExit(f"{method} {path} {status}: content type {media} is not in the spec ({', '.join(content)})")
    if media.endswith("json"):
        escaped = template.replace("/", "~1")
        pointer = f"/paths/{escaped}/{method.lower()}/responses/{status}"
        raw = responses[str(status)]
        if "$ref" in raw:
            pointer = raw["$ref"].lstrip("#")
        validate(json.loads(body), pointer + f"/content/{media.replace('/', '~1')}/schema")
    if media == "text/event-stream":
        for line in body.decode().splitlines():
            if line.startswith("data: "):
                validate(json.loads(line[6:]), "/components/schemas/Event")
    checked += 1


def call(method, path, body=None, headers=None, expect=None):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            status, content_type, raw = r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        status, content_type, raw = e.code, e.headers.get("Content-Type"), e.read()
    check(method, path, status, content_type, raw)
    if expect is not None and status != expect:
        raise SystemExit(f"{method} {path}: expected {expect}, got {status}: {raw[:300]!r}")
    return json.loads(raw) if (content_type or "").split(";")[0].endswith("json") else raw


def wait_for_menu(call_id):
    for _ in range(100):
        c = call("GET", f"/v1/calls/{call_id}", expect=200)
        if c.get("awaitingInput"):
            return c
        time.sleep(0.1)
    raise SystemExit(f"call {call_id} never reached the menu")


for path in ["/healthz", "/readyz", "/v1/flows", "/v1/queues", "/v1/queues?day=0", "/v1/agents", "/v1/calls",
             "/v1/queues/council-tax/intervals", "/metrics", "/", "/agent"]:
    call("GET", path, expect=200)

c = call("POST", "/v1/calls", {"entry": "main number", "intent": "council-tax"}, expect=201)
wait_for_menu(c["id"])
call("POST", f"/v1/calls/{c['id']}/input", {"digits": "1"}, expect=200)
call("GET", "/v1/calls?state=waiting", expect=200)
call("POST", "/v1/agents/ann/login", {"groups": ["desk"]}, expect=200)
call("POST", "/v1/agents/ann/ready", expect=200)
call("GET", f"/v1/calls/{c['id']}", expect=200)
call("POST", "/v1/agents/ann/end-talk", expect=200)
call("POST", "/v1/agents/ann/end-wrap-up", expect=200)
call("POST", "/v1/agents/ann/not-ready", {"reason": "lunch"}, expect=200)
call("POST", "/v1/agents/ann/logout", expect=200)
call("GET", f"/v1/calls/{c['id']}", expect=200)
d = call("POST", "/v1/calls", {"entry": "main number"}, expect=201)
wait_for_menu(d["id"])
call("POST", f"/v1/calls/{d['id']}/input", {"silence": True}, expect=200)
call("POST", f"/v1/calls/{d['id']}/hangup", expect=200)
q = call("POST", "/v1/calls", {"queue": "housing", "caller": "modelled"}, expect=201)
call("GET", "/v1/agents", expect=200)
call("GET", "/v1/events?follow=false", expect=200)
call("POST", "/v1/reload", expect=200)

# Refusals: each must be a documented status with a problem+json body.
call("POST", "/v1/calls", b'{"entry":', {"Content-Type": "application/json"}, expect=400)
call("POST", "/v1/calls", {"entry": "main number", "colour": "red"}, expect=422)
call("POST", "/v1/calls", {"entry": 3}, expect=422)
call("POST", "/v1/calls", {"entry": "x" * 70000}, expect=413)
call("GET", "/v1/calls/999999", expect=404)
call("POST", "/v1/calls/999999/input", {"digits": "1"}, expect=404)
call("POST", "/v1/agents/nobody/ready", expect=404)
call("POST", "/v1/agents/bob/login", {"group": "desk"}, expect=200)
call("POST", "/v1/agents/bob/end-talk", expect=409)
call("GET", "/v1/calls?state=asleep", expect=422)
call("GET", "/v1/queues/nope/intervals", expect=404)
call("GET", "/v1/queues?day=999", expect=422)
print(f"api_check: {checked} responses match docs/openapi.yaml")
