#!/usr/bin/python3
"""Resend's and Twilio's HTTP APIs as their documentation describes them, on 127.0.0.1, for the delivery
tests; and a receiver for StageSub's own outgoing webhooks that checks their signature. Prints
"listening PORT" once it accepts connections, then serves until killed.

  POST /emails                                        Resend: bearer key, JSON, Idempotency-Key (same key and
                                                      body: the first answer again, nothing sent twice)
  POST /2010-04-01/Accounts/{sid}/Messages.json       Twilio: basic auth, form body, StatusCallback
  POST /hook/...                                      a receiver of X-StageSub-Signature webhooks
  POST /_script {"path": prefix, "responses": [...]}  the next answers for that path: {"status", "body",
                                                      "headers", "delay", "reset"} (delay: seconds before answering;
                                                      reset: read the request, then reset the connection)
  GET  /_requests, /_sent, /_callbacks                what came, what was sent, what the provider would call
                                                      back with (signed as Twilio and Resend/Svix sign)

Options: --resend-key KEY --resend-webhook-secret whsec_... --twilio-sid AC... --twilio-token TOKEN
         --hook-secret SECRET (the outgoing webhooks' secret; also POST /_config {"hook_secret"})
POST /_config {"now": unix seconds} sets the clock its signatures carry (the tests' clock)."""
import argparse, base64, hashlib, hmac, json, re, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

parser = argparse.ArgumentParser()
parser.add_argument("--resend-key", default="re_test_key")
parser.add_argument("--resend-webhook-secret", default="whsec_" + base64.b64encode(b"resend-webhook-test-secret-32by").decode())
parser.add_argument("--twilio-sid", default="AC" + "0123456789abcdef" * 2)
parser.add_argument("--twilio-token", default="twilio-auth-token")
parser.add_argument("--hook-secret", default="")
args = parser.parse_args()

lock = threading.Lock()
state = {"requests": [], "sent": [], "callbacks": [], "scripts": {}, "idempotency": {}, "hook_secret": args.hook_secret, "now": None}

def now():
    return state["now"] if state["now"] is not None else time.time()

def twilio_signature(url, params):
    text = url + "".join(k + v for k, v in sorted(params.items()))
    return base64.b64encode(hmac.new(args.twilio_token.encode(), text.encode(), hashlib.sha1).digest()).decode()

def svix_headers(body):
    key = base64.b64decode(args.resend_webhook_secret[len("whsec_"):])
    msg_id, stamp = "msg_" + uuid.uuid4().hex, str(int(now()))
    mac = base64.b64encode(hmac.new(key, ("%s.%s." % (msg_id, stamp)).encode() + body.encode(), hashlib.sha256).digest()).decode()
    return {"svix-id": msg_id, "svix-timestamp": stamp, "svix-signature": "v1," + mac}

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go in separate writes: without this, Nagle and delayed ACKs add 40 ms to every answer.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def answer(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            if self.path in ("/_requests", "/_sent", "/_callbacks"):
                return self.answer(200, state[self.path[2:]])
        self.answer(404, {"error": "not found"})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        text = raw.decode("utf-8", "replace")
        path = urlsplit(self.path).path
        if path == "/_script":
            script = json.loads(text)
            with lock:
                state["scripts"].setdefault(script["path"], []).extend(script["responses"])
            return self.answer(200, {})
        if path == "/_config":
            config = json.loads(text)
            with lock:
                if "hook_secret" in config:
                    state["hook_secret"] = config["hook_secret"]
                if "now" in config:
                    state["now"] = config["now"]
            return self.answer(200, {})
        record = {"method": "POST", "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": text}
        with lock:
            state["requests"].append(record)
            scripted = next((state["scripts"][p].pop(0) for p in state["scripts"] if path.startswith(p) and state["scripts"][p]), None)
        if scripted is not None:
            time.sleep(scripted.get("delay", 0))
            if scripted.get("reset"):
                # The request was read; the connection is torn down without an answer (TCP RST).
                import socket, struct
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if "status" in scripted:
                return self.answer(scripted["status"], scripted.get("body", {}), scripted.get("headers"))
        if path == "/emails":
            return self.resend(record, text)
        if re.fullmatch(r"/2010-04-01/Accounts/[^/]+/Messages\.json", path):
            return self.twilio(record, text, path)
        if path.startswith("/hook/"):
            return self.hook(record, raw)
        self.answer(404, {"error": "not found"})

    def resend(self, record, text):
        auth = self.headers.get("Authorization")
        if not auth:
            return self.answer(401, {"statusCode": 401, "name": "missing_api_key", "message": "Missing API key in the authorization header."})
        if auth != "Bearer " + args.resend_key:
            return self.answer(403, {"statusCode": 403, "name": "invalid_api_key", "message": "API key is invalid"})
        try:
            body = json.loads(text)
        except ValueError:
            return self.answer(400, {"statusCode": 400, "name": "validation_error", "message": "Invalid JSON"})
        for field in ("from", "to", "subject"):
            if not body.get(field):
                return self.answer(422, {"statusCode": 422, "name": "missing_required_field", "message": "Missing `%s` field." % field})
        for attachment in body.get("attachments", []):
            try:
                base64.b64decode(attachment["content"], validate=True)
            except Exception:
                return self.answer(422, {"statusCode": 422, "name": "invalid_attachment", "message": "Attachment content is not base64"})
        key = self.headers.get("Idempotency-Key")
        digest = hashlib.sha256(text.encode()).hexdigest()
        with lock:
            if key is not None:
                if not 1 <= len(key) <= 256:
                    return self.answer(400, {"statusCode": 400, "name": "invalid_idempotency_key", "message": "The key must be between 1-256 chars."})
                if key in state["idempotency"]:
                    first_digest, first_answer = state["idempotency"][key]
                    if first_digest != digest:
                        return self.answer(409, {"statusCode": 409, "name": "invalid_idempotent_request",
                                                 "message": "Same idempotency key used with a different request payload."})
                    return self.answer(200, first_answer)
            email_id = str(uuid.uuid4())
            answer = {"id": email_id}
            if key is not None:
                state["idempotency"][key] = (digest, answer)
            state["sent"].append({"provider": "resend", "id": email_id, "idempotency_key": key, "email": body})
            outcome = "email.bounced" if any("bounce" in to for to in body["to"]) else "email.delivered"
            for kind in ("email.sent", outcome):
                event = json.dumps({"type": kind, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now())),
                                    "data": {"email_id": email_id, "from": body["from"], "to": body["to"], "subject": body["subject"],
                                             **({"bounce": {"message": "The recipient's mailbox does not exist"}} if kind == "email.bounced" else {})}})
                state["callbacks"].append({"provider": "resend", "body": event, "headers": svix_headers(event)})
        self.answer(200, answer)

    def twilio(self, record, text, path):
        expected = "Basic " + base64.b64encode(("%s:%s" % (args.twilio_sid, args.twilio_token)).encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self.answer(401, {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
        if path.split("/")[3] != args.twilio_sid:
            return self.answer(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
        form = dict(parse_qsl(text, keep_blank_values=True))
        if not form.get("From"):
            return self.answer(400, {"code": 21603, "message": "A 'From' phone number is required.", "status": 400})
        if not re.fullmatch(r"\+[1-9]\d{6,14}", form.get("To", "")):
            return self.answer(400, {"code": 21211, "message": "Invalid 'To' Phone Number: %s" % form.get("To", ""), "status": 400})
        if not form.get("Body"):
            return self.answer(400, {"code": 21602, "message": "Message body is required.", "status": 400})
        sid = "SM" + uuid.uuid4().hex
        segments = 1
        with lock:
            state["sent"].append({"provider": "twilio", "sid": sid, "form": form})
            if form.get("StatusCallback"):
                final = "undelivered" if form["To"].endswith("0000") else "delivered"
                for status in ("sent", final):
                    params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": args.twilio_sid, "MessageStatus": status, "SmsStatus": status,
                              "From": form["From"], "To": form["To"], "ApiVersion": "2010-04-01"}
                    if status == "undelivered":
                        params["ErrorCode"] = "30003"
                    state["callbacks"].append({"provider": "twilio", "url": form["StatusCallback"], "params": params,
                                               "signature": twilio_signature(form["StatusCallback"], params)})
        self.answer(201, {"sid": sid, "account_sid": args.twilio_sid, "to": form["To"], "from": form["From"], "body": form["Body"],
                          "status": "queued", "num_segments": str(segments), "direction": "outbound-api", "api_version": "2010-04-01",
                          "error_code": None, "error_message": None, "uri": "%s/%s.json" % (path[:-5], sid)})

    def hook(self, record, raw):
        header = self.headers.get("X-StageSub-Signature", "")
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        with lock:
            secret = state["hook_secret"]
        expected = hmac.new(secret.encode(), parts.get("t", "").encode() + b"." + raw, hashlib.sha256).hexdigest()
        record["signature_ok"] = bool(secret) and hmac.compare_digest(parts.get("v1", ""), expected)
        record["json"] = json.loads(raw.decode())
        self.answer(200 if record["signature_ok"] else 401, {"ok": record["signature_ok"]})

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("listening", server.server_address[1], flush=True)
server.serve_forever()
