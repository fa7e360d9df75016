#!/usr/bin/python3
"""A real SMTP server for the delivery tests (Debian's python3-aiosmtpd). Every message it accepts is
parsed with Python's own email package -- an independent reader of what StageSub wrote -- and saved as
one JSON file in --dir. Prints "listening PORT" once it accepts connections, then serves until killed.

Options: --tls CERT KEY (offer STARTTLS and require it), --auth USER PASS (require AUTH after TLS),
--refuse ADDRESS (answer 550 to RCPT TO that address)."""
import argparse, asyncio, hashlib, json, os, ssl, sys, time
from email import policy
from email.parser import BytesParser
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--tls", nargs=2)
parser.add_argument("--auth", nargs=2)
parser.add_argument("--refuse")
args = parser.parse_args()

class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.refuse and address.lower() == args.refuse.lower():
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        text = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]), "to": str(message["To"]), "reply_to": str(message["Reply-To"] or ""),
            "subject": str(message["Subject"]), "date": str(message["Date"]), "message_id": str(message["Message-ID"]),
            "body": text.get_content() if text is not None else None,
            "attachments": [{"name": part.get_filename(), "type": part.get_content_type(),
                             "sha256": hashlib.sha256(part.get_payload(decode=True)).hexdigest()}
                            for part in message.iter_attachments()],
            "tls": session.ssl is not None,
            "login": session.auth_data.login.decode() if isinstance(getattr(session, "auth_data", None), LoginPassword) else None,
            "defects": [str(d) for d in message.defects],
        }
        name = os.path.join(args.dir, "%f-%d.json" % (time.time(), len(os.listdir(args.dir))))
        with open(name + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 accepted"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.auth[0] and auth_data.password.decode() == args.auth[1]
    # handled=False: aiosmtpd itself answers 535 on failure (with handled=True it closes the connection).
    return AuthResult(success=ok, handled=False, auth_data=auth_data)

options = {}
if args.tls:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.tls[0], args.tls[1])
    options.update(tls_context=context, require_starttls=True)
if args.auth:
    options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls))
import socket
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Sink(), hostname="127.0.0.1", port=port, server_hostname="localhost", **options)
controller.start()
print("listening", port, flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    controller.stop()
