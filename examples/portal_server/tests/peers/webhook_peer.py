"""A test SMS gateway webhook on a free loopback port.

    python3 webhook_peer.py OUT_DIR TOKEN [CERT KEY]

With CERT and KEY (PEM files) it speaks HTTPS. Prints the port on the first line of stdout once it listens. Each POST is written, before it is
answered, to OUT_DIR/<n>.json: path, Authorization and Content-Type headers and the JSON body.
Answers: 401 without "Authorization: Bearer TOKEN"; for "to" +15551230009 200 {"opted_out": true};
for "to" +15551230500 500; otherwise 200 {"id": "gw-<n>"}.
"""
import json
import os
import ssl
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

OUT_DIR = sys.argv[1]
TOKEN = sys.argv[2]


class Gateway(BaseHTTPRequestHandler):
    count = 0

    def do_POST(self):
        Gateway.count += 1
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            body = json.loads(data)
        except ValueError:
            body = None
        record = {
            "path": self.path,
            "authorization": self.headers.get("Authorization"),
            "content_type": self.headers.get("Content-Type"),
            "body": body,
        }
        path = os.path.join(OUT_DIR, "%d.json" % Gateway.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)

        to = body.get("to") if isinstance(body, dict) else None
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            status, answer = 401, {"error": "bad token"}
        elif to == "+15551230009":
            status, answer = 200, {"opted_out": True}
        elif to == "+15551230500":
            status, answer = 500, {"error": "gateway down"}
        else:
            status, answer = 200, {"id": "gw-%d" % Gateway.count}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    if len(sys.argv) == 5:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()
