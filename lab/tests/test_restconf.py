"""The lab's RESTCONF client: URLs, credentials, JSON bodies, the error an error status becomes, and
one round of requests against a stand-in server on the loopback address."""

import base64
import json
import os
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from cloudroam_lab import restconf
from cloudroam_lab.topology import LabError, LabSpec, controller_config

# an RFC 8040 error body as OpenDaylight answers it
CONFLICT = {"errors": {"error": [{"error-type": "application", "error-tag": "data-missing",
                                  "error-message": "no VM with MAC 02:c0:00:00:00:99"},
                                 {"error-type": "protocol", "error-tag": "operation-failed"}]}}


class PureTest(unittest.TestCase):
    def test_urls(self):
        self.assertEqual("http://127.0.0.1:8181/rests/data/cloudroam:tunnels",
                         restconf.url("/rests/data/cloudroam:tunnels"))
        self.assertEqual("http://127.0.0.3:8181/rests/operations", restconf.url("/rests/operations", "127.0.0.3"))

    def test_credentials_from_the_environment(self):
        with mock.patch.dict(os.environ, {"CLOUDROAM_AUTH": "ops:s3cret"}):
            self.assertEqual("Basic " + base64.b64encode(b"ops:s3cret").decode(), restconf.authorization())
            self.assertEqual("Basic " + base64.b64encode(b"me:pw").decode(), restconf.authorization("me:pw"))
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual("admin:admin", restconf.credentials())

    def test_bodies_are_json_or_nothing(self):
        self.assertIsNone(restconf.decode(""))
        self.assertEqual({"cloudroam:output": {"cloud": "c3"}},
                         restconf.decode('{"cloudroam:output": {"cloud": "c3"}}'))
        with self.assertRaises(ValueError):
            restconf.decode("<html>Unauthorized</html>")

    def test_the_first_error_of_an_error_body(self):
        self.assertEqual("no VM with MAC 02:c0:00:00:00:99", restconf.first_error(CONFLICT))
        tag_only = {"ietf-restconf:errors": {"error": [{"error-type": "protocol", "error-tag": "access-denied"}]}}
        self.assertEqual("access-denied", restconf.first_error(tag_only))
        self.assertEqual("no body", restconf.first_error(None))
        self.assertEqual('{"unexpected": 1}', restconf.first_error({"unexpected": 1}))

    def test_an_error_status_where_success_was_expected(self):
        self.assertEqual({"a": 1}, restconf.ensure_ok("GET", "/rests/data/x", 200, {"a": 1}))
        self.assertIsNone(restconf.ensure_ok("PUT", "/rests/data/x", 204, None))
        with self.assertRaises(restconf.RestconfError) as caught:
            restconf.ensure_ok("POST", "/rests/operations/cloudroam:locate-vm", 409, CONFLICT)
        self.assertIsInstance(caught.exception, LabError, "the benchmarks' and the demo's error handling sees it")
        self.assertEqual("POST /rests/operations/cloudroam:locate-vm: HTTP 409: no VM with MAC 02:c0:00:00:00:99",
                         str(caught.exception))
        self.assertEqual(409, caught.exception.status)

    def test_next_hop(self):
        routing = {"route": [{"cloud": "c2", "destination": "c1", "next-hop": "c3"},
                             {"cloud": "c1", "destination": "c2", "next-hop": "c2"}]}
        self.assertEqual("c3", restconf.next_hop(routing, "c2", "c1"))
        self.assertEqual("c2", restconf.next_hop(routing, "c1", "c2"))
        self.assertIsNone(restconf.next_hop(routing, "c3", "c1"))
        self.assertIsNone(restconf.next_hop({}, "c3", "c1"))


class StandIn(BaseHTTPRequestHandler):
    """Answers as the controller would: a few state paths, locate-vm, a refused and an accepted PUT."""
    ANSWERS = {
        ("GET", "/rests/data/cloudroam:migrations"): (200, {"cloudroam:migrations": {"migration": [
            {"id": "7", "mac": "02:c0:00:00:00:01", "to-cloud": "c3"}]}}),
        ("GET", "/rests/data/cloudroam:vm-locations"): (409, CONFLICT),
        ("GET", "/rests/data/cloudroam:counters"): (200, {"cloudroam:counters": {"flow-changes": "12"}}),
        ("POST", "/rests/operations/cloudroam:locate-vm"): (200, {"cloudroam:output": {"cloud": "c3"}}),
        ("PUT", "/rests/data/cloudroam:cloudroam"): (204, None),
        ("PUT", "/rests/data/cloudroam:cloudroam/virtual-network=100"): (204, None),
        ("PUT", "/rests/data/cloudroam:cloudroam/mobility"): (400, {"errors": {"error": [
            {"error-tag": "invalid-value", "error-message": "flap-moves must be positive"}]}}),
    }

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                 "body": json.loads(self.rfile.read(length)) if length else None})
        status, body = self.ANSWERS.get((self.command, self.path), (404, None))
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/yang-data+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args):
        pass


class CallTest(unittest.TestCase):
    def setUp(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)  # loopback, an ephemeral port
        self.server.seen = []
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        for patch in (mock.patch.object(restconf, "BASE", base),
                      mock.patch.dict(os.environ, {"CLOUDROAM_AUTH": "ops:s3cret", "no_proxy": "127.0.0.1"})):
            patch.start()
            self.addCleanup(patch.stop)

    def test_requests_and_answers(self):
        self.assertEqual({"cloud": "c3"}, restconf.locate("02:c0:00:00:00:01"))
        self.assertTrue(restconf.located_in("02:c0:00:00:00:01", "c3"))
        self.assertEqual({7: {"id": "7", "mac": "02:c0:00:00:00:01", "to-cloud": "c3"}}, restconf.migrations())
        self.assertEqual([], restconf.vm_locations(), "an error status reads as nothing there")
        self.assertEqual({"flow-changes": "12"}, restconf.counters())
        self.assertEqual((409, CONFLICT), restconf.call("GET", "/rests/data/cloudroam:vm-locations"))
        self.assertIsNone(restconf.put_config({"cloudroam:cloudroam": {"cloud": []}}))
        locate, put = self.server.seen[0], self.server.seen[-1]
        self.assertEqual(("POST", {"input": {"mac": "02:c0:00:00:00:01"}}), (locate["method"], locate["body"]))
        self.assertEqual(("PUT", "/rests/data/cloudroam:cloudroam", {"cloudroam:cloudroam": {"cloud": []}}),
                         (put["method"], put["path"], put["body"]))
        for request in (locate, put):
            self.assertEqual("Basic " + base64.b64encode(b"ops:s3cret").decode(), request["headers"]["Authorization"])
            self.assertEqual("application/yang-data+json", request["headers"]["Content-Type"])
            self.assertEqual("application/yang-data+json", request["headers"]["Accept"])

    def test_a_refused_put_says_why(self):
        with self.assertRaises(restconf.RestconfError) as caught:
            restconf.put("/rests/data/cloudroam:cloudroam/mobility", {"cloudroam:mobility": {"flap-moves": 0}})
        self.assertEqual("PUT /rests/data/cloudroam:cloudroam/mobility: HTTP 400: flap-moves must be positive",
                         str(caught.exception))

    def test_a_network_mode_is_the_lab_network_with_that_mode(self):
        spec = LabSpec(3, 6)
        restconf.set_mode(spec, "triangle")
        network = next(n for n in controller_config(spec)["cloudroam:cloudroam"]["virtual-network"] if n["vni"] == 100)
        self.assertEqual({"cloudroam:virtual-network": [{**network, "mode": "triangle"}]}, self.server.seen[-1]["body"])

    def test_an_answer_without_a_body(self):
        self.assertEqual((404, None), restconf.call("GET", "/rests/data/cloudroam:nothing"))
        self.assertIsNone(restconf.overlay_routing(), "no routing where RESTCONF has none")


if __name__ == "__main__":
    unittest.main()
