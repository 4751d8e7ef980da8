"""The one RESTCONF client of the demo and the benchmarks: a request to the controller's RESTCONF
(http://127.0.0.1:8181, user:password from CLOUDROAM_AUTH, default admin:admin, 30 s timeout)
answered as (HTTP status, decoded JSON body); an error that names the request, the status and the
controller's own reason where success was expected; and the reads and writes that several of them
share: where a VM is, cloudroam's migration records, VM locations, tunnels, overlay routing,
counters, a network's mode, the configuration.

The Karaf supervisor (karaf.py) and the cluster commands (cluster.py) ask each member through it
too, with `host` and a short timeout.
"""

import base64
import json
import os
import time
import urllib.error
import urllib.request

from .topology import LabError, controller_config

HTTP_PORT = 8181
BASE = f"http://127.0.0.1:{HTTP_PORT}"
TIMEOUT_S = 30
OK = (200, 201, 204)
CONFIG = "/rests/data/cloudroam:cloudroam"
MEDIA_TYPE = "application/yang-data+json"


class RestconfError(LabError):
    """RESTCONF answered an error status where success was expected."""

    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path}: HTTP {status}: {first_error(body)}")
        self.method, self.path, self.status, self.body = method, path, status, body


def url(path, host=None):
    """The URL of a RESTCONF path: on the local controller (BASE), or on host at the same port."""
    return (BASE if host is None else f"http://{host}:{HTTP_PORT}") + path


def credentials():
    """user:password for RESTCONF and the dashboard: CLOUDROAM_AUTH, else admin:admin."""
    return os.environ.get("CLOUDROAM_AUTH", "admin:admin")


def authorization(auth=None):
    """The Authorization header of a request as user:password `auth` (default: credentials())."""
    return "Basic " + base64.b64encode((auth or credentials()).encode()).decode()


def decode(text):
    """A response body: its JSON, None when it is empty."""
    return json.loads(text) if text else None


def first_error(body):
    """The first error's message in an RFC 8040 error body (`errors` or `ietf-restconf:errors`):
    its error-message, else its error-tag; the body as it came when it holds no error."""
    errors = (body.get("errors") or body.get("ietf-restconf:errors")) if isinstance(body, dict) else None
    try:
        error = errors["error"][0]
        return error.get("error-message") or error["error-tag"]
    except (TypeError, KeyError, IndexError, AttributeError):
        return "no body" if body is None else json.dumps(body)

def call(method, path, body=None, *, host=None, auth=None, timeout=TIMEOUT_S):
    """One RESTCONF request, `body` sent as JSON: (HTTP status, decoded body or None). An error
    status is answered like any other, not raised; URLError/OSError when nobody answers, ValueError
    for a body that is not JSON."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url(path, host), data=data, method=method, headers={
        "Authorization": authorization(auth), "Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, decode(response.read().decode())
    except urllib.error.HTTPError as e:
        return e.code, decode(e.read().decode())


def ensure_ok(method, path, status, body):
    """The body of an answer whose status is a success (200, 201, 204); RestconfError otherwise."""
    if status not in OK:
        raise RestconfError(method, path, status, body)
    return body


def call_ok(method, path, body=None):
    """call() where only success will do: the decoded body; RestconfError for any other status."""
    return ensure_ok(method, path, *call(method, path, body))


def put(path, body):
    """PUT of a body that must be accepted (RestconfError otherwise)."""
    return call_ok("PUT", path, body)


def put_config(config):
    """PUT of cloudroam's whole configuration (topology.controller_config's shape)."""
    return put(CONFIG, config)


def set_mode(spec, mode, vni=100):
    """Puts a virtual network of the lab in a mode (optimal, triangle, reactive): the network as
    controller_config(spec) has it, with that mode."""
    network = next(n for n in controller_config(spec)["cloudroam:cloudroam"]["virtual-network"] if n["vni"] == vni)
    put(f"/rests/data/cloudroam:cloudroam/virtual-network={vni}",
        {"cloudroam:virtual-network": [{**network, "mode": mode}]})


def wait(what, check, seconds=60):
    """Polls check every 0.2 s until it answers something true, and returns that; a LabError after
    `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)  # poll interval
    raise LabError(f"demo: {what} did not happen within {seconds} s")


def locate(mac):
    """cloudroam's locate-vm answer for a MAC (cloud, switch, port, ...); None when it does not know it."""
    status, body = call("POST", "/rests/operations/cloudroam:locate-vm", {"input": {"mac": mac}})
    return body.get("cloudroam:output") if status == 200 else None


def located_in(mac, cloud):
    """Whether cloudroam locates the MAC in that cloud."""
    location = locate(mac)
    return bool(location) and location["cloud"] == cloud


def _entries(path, container, key):
    """The list `key` of a state container; empty when there is none (or RESTCONF answered an error)."""
    status, body = call("GET", path)
    return (body or {}).get(container, {}).get(key, []) if status == 200 else []


def vm_locations():
    """Every VM location cloudroam holds (vm-location entries: mac, vni, cloud, switch, port, ...)."""
    return _entries("/rests/data/cloudroam:vm-locations", "cloudroam:vm-locations", "vm-location")


def tunnels():
    """The tunnels cloudroam created (cloud, remote-cloud, port-name, ofport, path MTU, ...)."""
    return _entries("/rests/data/cloudroam:tunnels", "cloudroam:tunnels", "tunnel")


def migrations():
    """cloudroam's migration records by id (int); empty when there are none."""
    return {int(m["id"]): m for m in _entries("/rests/data/cloudroam:migrations", "cloudroam:migrations",
                                              "migration")}


def counters():
    """cloudroam's counters (packet-ins, flow-changes, ...); empty when RESTCONF does not answer them."""
    status, body = call("GET", "/rests/data/cloudroam:counters")
    return body["cloudroam:counters"] if status == 200 else {}


def overlay_routing():
    """cloudroam's overlay routing (link latencies, route next hops); None when RESTCONF does not answer it."""
    status, body = call("GET", "/rests/data/cloudroam:overlay-routing")
    return body.get("cloudroam:overlay-routing") if status == 200 else None


def next_hop(routing, cloud, destination):
    """The next hop of the route from cloud to destination in an overlay routing; None without one."""
    for route in routing.get("route", []):
        if route["cloud"] == cloud and route["destination"] == destination:
            return route["next-hop"]
    return None
