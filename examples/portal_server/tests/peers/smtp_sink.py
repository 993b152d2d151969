"""A test SMTP server on a free loopback port (aiosmtpd, Debian python3-aiosmtpd).

    python3 smtp_sink.py OUT_DIR [--auth USERNAME PASSWORD] [--starttls CERT KEY]

Prints the port on the first line of stdout once it listens. Each message accepted is written,
before the server answers DATA with 250, to OUT_DIR/<n>.json: the envelope, the login used, the
raw header block, whether the session was under TLS, and the parsed headers and body. With
--auth, AUTH is required and only that login is accepted. With --starttls, the server offers
STARTTLS with that PEM certificate and key and refuses mail before it.
"""
import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import ssl
import warnings

from aiosmtpd.smtp import SMTP, AuthResult


class Recorder:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        header_block = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
        login = session.auth_data.login.decode() if session.auth_data is not None else None
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": login,
            "tls": session.ssl is not None,
            "raw_headers": header_block,
            "headers": {name: str(value) for name, value in message.items()},
            "body": message.get_content(),
        }
        path = os.path.join(self.out_dir, "%d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def make_authenticator(username, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == username.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return check


async def main():
    # AUTH without TLS is what this loopback test wants; keep stderr for real errors.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--auth", nargs=2, metavar=("USERNAME", "PASSWORD"))
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    options = {}
    if args.auth:
        options.update(authenticator=make_authenticator(*args.auth), auth_required=True, auth_require_tls=False)
    if args.starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.starttls)
        options.update(tls_context=context, require_starttls=True)
    recorder = Recorder(args.out_dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(recorder, hostname="sink.test", **options), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
