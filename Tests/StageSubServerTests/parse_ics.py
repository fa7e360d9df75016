"""Parses an iCalendar feed with the icalendar package (PyPI) and prints its events as JSON.
Fails (exit 1) on a line longer than 75 octets, a bare LF, or anything icalendar cannot read."""
import json
import sys

from icalendar import Calendar

data = sys.stdin.buffer.read()
if b"\n" in data.replace(b"\r\n", b""):
    sys.exit("a line ends without CR LF")
for line in data.split(b"\r\n"):
    if len(line) > 75:
        sys.exit(f"a line of {len(line)} octets: {line[:40]!r}")
calendar = Calendar.from_ical(data.decode("utf-8"))
if calendar.get("VERSION") != "2.0":
    sys.exit("VERSION is not 2.0")
events = []
for event in calendar.walk("VEVENT"):
    events.append({
        "uid": str(event["UID"]),
        "status": str(event["STATUS"]),
        "sequence": int(event["SEQUENCE"]),
        "summary": str(event["SUMMARY"]),
        "description": str(event.get("DESCRIPTION", "")),
        "location": str(event.get("LOCATION", "")),
        "start": event.decoded("DTSTART").isoformat(),
        "end": event.decoded("DTEND").isoformat(),
    })
print(json.dumps(events))
