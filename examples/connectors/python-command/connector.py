"""A provisioning connector that is not Node: it reads change events as JSON lines on stdin,
applies each to the SCIM target with urllib (standard library only), and answers every event
with one JSON line on stdout: {"id": ..., "ok": true} or {"id": ..., "error": "..."}.

Its own configuration, under its own names (aliases.env maps the first two onto scimsim's):
  PYSCIM_URL       the SCIM root
  PYSCIM_TOKEN     the bearer token
  PYSCIM_TIMEOUT   seconds to wait for an answer (default 10)
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
PATHS = {
    "userName": "userName",
    "givenName": "name.givenName",
    "familyName": "name.familyName",
    "displayName": "displayName",
    "email": 'emails[type eq "work"].value',
    "title": "title",
    "department": ENTERPRISE + ":department",
}

ROOT = os.environ["PYSCIM_URL"].rstrip("/")
TOKEN = os.environ["PYSCIM_TOKEN"]
TIMEOUT = float(os.environ.get("PYSCIM_TIMEOUT", "10"))
ids = {}
groups = {}


def scim(method, path, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(ROOT + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + TOKEN)
    request.add_header("Accept", SCIM)
    if data is not None:
        request.add_header("Content-Type", SCIM)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            text = response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        raise RuntimeError("%s %s answered %d: %s" % (method, path.split("?")[0], error.code, error.read().decode("utf-8")[:160]))
    return json.loads(text) if text else None


def find(endpoint, attribute, value):
    query = urllib.parse.quote('%s eq "%s"' % (attribute, value))
    found = scim("GET", "/%s?filter=%s" % (endpoint, query))
    resources = (found or {}).get("Resources") or []
    return resources[0]["id"] if resources else None


def user_id(user):
    if user["externalId"] not in ids:
        found = find("Users", "externalId", user["externalId"])
        if found is None:
            raise RuntimeError("no account for " + user["externalId"])
        ids[user["externalId"]] = found
    return ids[user["externalId"]]


def group_id(name):
    if name not in groups:
        groups[name] = find("Groups", "displayName", name) or scim("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name, "members": []})["id"]
    return groups[name]


def user_body(user):
    body = {
        "schemas": [USER, ENTERPRISE],
        "externalId": user["externalId"],
        "userName": user["userName"],
        "name": {"givenName": user["givenName"], "familyName": user["familyName"]},
        "displayName": user["displayName"],
        "active": user["active"],
        "emails": [{"type": "work", "value": user["email"], "primary": True}],
        ENTERPRISE: {"department": user["department"]} if "department" in user else {},
    }
    if "phone" in user:
        body["phoneNumbers"] = [{"type": "work", "value": user["phone"]}]
    if "title" in user:
        body["title"] = user["title"]
    return body


def patch(operations):
    return {"schemas": [PATCH], "Operations": operations}


def handle(event):
    user = event["user"]
    kind = event["type"]
    if kind == "create":
        ids[user["externalId"]] = scim("POST", "/Users", user_body(user))["id"]
    elif kind == "update":
        operations = [{"op": "replace", "path": PATHS[name], "value": value} for name, value in event.get("changes", {}).items() if name in PATHS]
        if operations:
            scim("PATCH", "/Users/" + user_id(user), patch(operations))
    elif kind in ("deactivate", "reactivate"):
        scim("PATCH", "/Users/" + user_id(user), patch([{"op": "replace", "path": "active", "value": kind == "reactivate"}]))
    elif kind == "delete":
        scim("DELETE", "/Users/" + user_id(user))
        ids.pop(user["externalId"], None)
    elif kind in ("group-add", "group-remove"):
        member = user_id(user)
        group = group_id(event["group"]["displayName"])
        if kind == "group-add":
            operation = {"op": "add", "path": "members", "value": [{"value": member}]}
        else:
            operation = {"op": "remove", "path": 'members[value eq "%s"]' % member}
        scim("PATCH", "/Groups/" + group, patch([operation]))


def main():
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        event = json.loads(line)
        try:
            handle(event)
            answer = {"id": event["id"], "ok": True}
        except Exception as error:  # one person's failure is reported, and the next event goes on
            answer = {"id": event["id"], "error": str(error)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
