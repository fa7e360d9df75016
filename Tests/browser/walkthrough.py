#!/usr/bin/env python3
"""The personnel manager's whole day in a real, headless Chromium (issue 12, "Tests" → "Real browser").

Starts its own `stagesub serve --demo` on a free loopback port over a fresh data directory that already holds an
empty orchestra made with `stagesub orchestra create` (the demo appliance hosts it beside the demo orchestra, and
its demo clock moves time for both), then, in the browser only: logs in, reads the onboarding checklist, imports a
CSV (dry run, then commit), gives the musicians positions, ranks two A lists (and reorders one with the ↑/↓
buttons), creates a project with a sequential and a first-come need, uploads a PDF that goes with the request (and
downloads it as an attachment), previews and sends the needs, clears a ranking list with its typed word (refused
while a need asks from it), reads the outbox and opens the answer links in a phone-sized second browser, answers as
two musicians, sees the need pages show the answers, moves the demo clock until a reminder goes and the request
times out and the next musician is asked, cancels a need with its typed confirmation word, sends a group email to
those booked, edits a message template, saves a setting and sends itself a test email, adds a colleague (who then
logs in on the phone, is made an admin and a user again), creates an API key (used on the API, then revoked), adds
and removes a webhook endpoint, adds an instrument with a position (renamed, moved, archived and restored), sends a
second project's two needs at once from its preview and raises one need's number wanted, changes the password
(every session ends; the new one logs in), and switches the account to English.

With the pages' JavaScript on, also app.js's own parts: a musician dragged to the top of a ranking list, the need
page open in the staff window showing a phone's answer without a reload, and the confirm dialogs answered OK.

Every screen visited is saved as `${BROWSER_SCREENSHOTS:-.build/browser-screenshots}/NN-name.png`, checked to be
no blank image, and checked for a non-empty <title>, <html lang>, a label on every visible form field, no raw
template text, text contrast of at least 4.5:1 (3:1 for large text) against its background, and (dashboard and
answer pages at 390 px) no horizontal scroll and a header that leaves the phone screen to the page.

Plain form posts otherwise: nothing but those JavaScript-only steps depends on app.js. Explicit waits, no sleeps, no
timed assertion. Exit code 0 when everything passed, 1 otherwise.

Usage (after `swift build`): python3 Tests/browser/walkthrough.py
  STAGESUB_BIN=…             another stagesub binary (default .build/debug/stagesub)
  BROWSER_SCREENSHOTS=DIR    where the screenshots go (default .build/browser-screenshots)
  BROWSER_JAVASCRIPT=off     the same day with the pages' own JavaScript switched off
"""
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

try:
    from selenium import webdriver
except ImportError:  # Debian's python3-selenium lives in /usr/bin/python3; another python3 may come first on PATH
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

try:
    from PIL import Image  # python3-pil (scripts/setup --test); without it the blank check reads the PNG's size only
except ImportError:  # pragma: no cover
    Image = None

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("STAGESUB_BIN", os.path.join(ROOT, ".build", "debug", "stagesub"))
SHOTS = os.path.abspath(os.environ.get("BROWSER_SCREENSHOTS", os.path.join(ROOT, ".build", "browser-screenshots")))
# BROWSER_JAVASCRIPT=off: the same day with the pages' JavaScript switched off (every page must work without it).
JAVASCRIPT = os.environ.get("BROWSER_JAVASCRIPT", "on").lower() not in ("off", "0", "no", "false")
PHONE = (390, 844)
WAIT = 20  # seconds an explicit wait may take before it fails (a page load, a redirect); never an assertion on time

SLUG, ORCHESTRA = "provorkestern", "Provorkestern"
MANAGER = "pm"
PASSWORD = "Walkthrough-" + secrets.token_hex(8)

# Six musicians as Excel writes them: semicolons, a BOM, Swedish headers and one column StageSub does not read.
CSV = ("\ufeffFörnamn;Efternamn;E-post;Telefon;Språk;Lokalboende;Skostorlek\r\n"
       "Anna;Ek;anna.ek@example.org;070-111 11 01;svenska;ja;38\r\n"
       "Björn;Lind;bjorn.lind@example.org;070-111 11 02;svenska;nej;44\r\n"
       "Cecilia;Berg;cecilia.berg@example.org;070-111 11 03;english;ja;39\r\n"
       "David;Holm;david.holm@example.org;070-111 11 04;svenska;ja;43\r\n"
       "Eva;Sjö;eva.sjo@example.org;070-111 11 05;svenska;nej;37\r\n"
       "Fredrik;Nyström;fredrik.nystrom@example.org;070-111 11 06;svenska;ja;45\r\n")
# Who plays what (ticked on each musician's edit form): two positions, so the two needs ask different people.
SEQUENTIAL_POSITION = "Tutti, Altfiol"
FIRST_COME_POSITION = "Tutti, Cello"
PLAYS = {
    "Ek, Anna": SEQUENTIAL_POSITION, "Lind, Björn": SEQUENTIAL_POSITION, "Berg, Cecilia": SEQUENTIAL_POSITION,
    "Holm, David": FIRST_COME_POSITION, "Sjö, Eva": FIRST_COME_POSITION, "Nyström, Fredrik": FIRST_COME_POSITION,
}

ENGLISH_SPEAKERS = {"Berg, Cecilia"}
SCORE_FILE = "Stämmor Mahler 5.pdf"  # a project file: a space and a Swedish letter in its name
GROUP_SUBJECT = "Ändrad repetitionstid"
# What the walk-through itself typed in Swedish, and the orchestra's name: data, not interface.
USER_DATA = {"Mån 10–13 och 14–17, Stora salen", "Torsdag 19.00, Konserthuset", GROUP_SUBJECT}
EMAILS = {f"{last}, {first}": email for first, last, email in
          (line.split(";")[:3] for line in CSV.lstrip("\ufeff").splitlines()[1:])}
# The headings of the error page (error.mustache), in both languages.
ERROR_TITLES = {"Hittades inte", "Not found", "Inte tillåtet", "Not allowed", "Går inte just nu", "Not possible right now",
                "Logga in först", "Log in first", "Något gick fel hos oss", "Something went wrong on our side",
                "Något stämmer inte", "Something is not right"}
ANSWER_BUTTONS = {"yes": {False: "Ja, jag kan", True: "Yes, I can play"},
                  "no": {False: "Nej, jag kan inte", True: "No, I cannot"}}

# Checks run on every page, in the page itself: what fails, as readable lines.
PAGE_CHECKS_JS = r"""
const problems = [];
if (!document.title.trim()) problems.push('the <title> is empty');
if (!(document.documentElement.getAttribute('lang') || '').trim()) problems.push('<html> has no lang');
const skip = ['hidden', 'submit', 'button', 'reset', 'image'];
for (const el of document.querySelectorAll('input, select, textarea')) {
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (el.tagName === 'INPUT' && skip.includes(type)) continue;
  if (el.hidden || el.closest('[hidden]') || el.getClientRects().length === 0) continue;
  const labelled = (el.getAttribute('aria-label') || '').trim()
    || (el.getAttribute('aria-labelledby') || '').split(/\s+/).some(id => id && document.getElementById(id)
         && document.getElementById(id).textContent.trim())
    || Array.from(el.labels || []).some(l => l.textContent.trim());
  if (!labelled) problems.push('no label: ' + el.outerHTML.slice(0, 160));
}
const text = document.body ? document.body.innerText : '';
if (!text.trim()) problems.push('the page shows no text');
// Template text the engine left unrendered; a template's own source (the editor's textarea, its list of variables
// in <code>, the subject field's value) is meant to show it.
const shown = document.body ? document.body.cloneNode(true) : null;
if (shown) {
  shown.querySelectorAll('textarea, code, script').forEach(e => e.remove());
  const raw = (shown.textContent.match(/.{0,40}(\{\{|\}\}).{0,40}/) || [])[0];
  if (raw) problems.push('raw template text in the page: ' + raw.trim());
  for (const e of shown.querySelectorAll('*')) for (const a of e.attributes)
    if (!(e.tagName === 'INPUT' && a.name === 'value') && /\{\{|\}\}/.test(a.value)) { problems.push('raw template text in ' + a.name + '="' + a.value.slice(0, 60) + '"'); break; }
}
return problems;
"""
# WCAG 2.1 contrast (1.4.3) of every visible piece of text against the background it is drawn on: 4.5:1, or
# 3:1 for large text (24 px, or 18.66 px bold). Disabled controls are exempt, as WCAG says. The background
# is the first ancestor's opaque-enough colour, semi-transparent layers composited over what lies below.
CONTRAST_JS = r"""
const parse = c => { const m = c.match(/^rgba?\(([^)]+)\)$/); if (!m) return null;
  const v = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
const over = (top, below) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat([1]); };
const lum = c => { const f = x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
const background = e => { const layers = [];
  for (let n = e; n; n = n.parentElement) { const b = parse(getComputedStyle(n).backgroundColor);
    if (b && b[3] > 0) { layers.push(b); if (b[3] >= 1) break; } }
  let c = [255, 255, 255, 1]; for (const l of layers.reverse()) c = over(l, c); return c; };
const out = [], seen = new Set();
for (const e of document.querySelectorAll('body *')) {
  if (!Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
  if (!e.getClientRects().length || e.closest('[hidden], [aria-hidden="true"]') || e.matches(':disabled') || e.closest(':disabled')) continue;
  const st = getComputedStyle(e); if (st.visibility !== 'visible' || Number(st.opacity) === 0) continue;
  const fg = parse(st.color); if (!fg) continue;
  const bg = background(e), text = over(fg, bg);
  const l1 = lum(text), l2 = lum(bg), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
  const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  const key = e.tagName + '.' + e.className + st.color + bg.join();
  if (ratio + 0.005 < need && !seen.has(key)) { seen.add(key);
    out.push(`contrast ${ratio.toFixed(2)}:1 < ${need}:1 for “${e.textContent.trim().slice(0, 30)}” (${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''}: ${st.color} on rgb(${bg.slice(0, 3).map(Math.round).join(', ')}))`); }
  if (out.length >= 3) break;
}
return out;
"""
# The interface's own words on a page (not the data in it): headings, labels, buttons, column heads, badges.
INTERFACE_TEXT_JS = r"""
const out = [];
for (const e of document.querySelectorAll('h1, h2, h3, th, legend, summary, dt, button, nav a, .badge, '
                                          + 'label > span.label, label.label, .actions a, .crumbs a')) {
  if (e.closest('.message, label.check, td a')) continue;
  const t = e.textContent.replace(/\s+/g, ' ').trim();
  if (t) out.push(t);
}
return out;
"""
# An HTML5 drag of arguments[0] onto the top quarter of arguments[1], as the browser fires it for a mouse.
DRAG_JS = r"""
const [source, target] = arguments, data = new DataTransfer();
const box = target.getBoundingClientRect(), x = box.left + box.width / 2, y = box.top + box.height / 4;
const fire = (el, type) => el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, composed: true,
                                                                 dataTransfer: data, clientX: x, clientY: y}));
fire(source, 'dragstart');
fire(target, 'dragenter');
fire(target, 'dragover');
fire(target, 'drop');
fire(source, 'dragend');
"""
NO_HORIZONTAL_SCROLL_JS = ("return [document.documentElement.scrollWidth, window.innerWidth, "
                           "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right "
                           "> window.innerWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)];")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_with_parent():
    """The server gets SIGTERM if this script dies without cleaning up (killed by a CI timeout, say)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Appliance:
    """A `stagesub serve --demo` of its own: fresh data directory, an empty orchestra made with the CLI first."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="stagesub-browser-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.dir, "server.log")
        self.process = None
        # Nothing of the machine's own appliance settings (a key file, a port, systemd's credentials) leaks in.
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("STAGESUB_") and k != "CREDENTIALS_DIRECTORY"}

    def run(self, *args):
        result = subprocess.run([BIN, *args, "--data", self.data], capture_output=True, text=True, timeout=120,
                                env=self.env)
        if result.returncode != 0:
            raise RuntimeError(f"stagesub {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def start(self):
        password_file = os.path.join(self.dir, "password")
        with open(password_file, "w") as f:
            f.write(PASSWORD + "\n")
        self.run("init", "--admin-password-file", password_file)
        self.run("orchestra", "create", SLUG, "--name", ORCHESTRA, "--admin-email", "pm@example.org",
                 "--admin-username", MANAGER, "--admin-password-file", password_file)
        log = open(self.log_path, "w")
        self.process = subprocess.Popen([BIN, "serve", "--demo", "--data", self.data, "--host", "127.0.0.1",
                                         "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
                                        env=self.env, preexec_fn=stop_with_parent)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("stagesub serve exited:\n" + self.log())
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("stagesub serve did not answer /healthz within 60 s:\n" + self.log())
            time.sleep(0.2)

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def browser(width, height):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=sv-SE", "--hide-scrollbars"):
        options.add_argument(argument)
    # A Swedish personnel manager's browser (the login page follows Accept-Language until someone logs in).
    prefs = {"intl.accept_languages": "sv-SE,sv,en"}
    if not JAVASCRIPT:  # the pages' own scripts off (WebDriver's execute_script still runs: it is how we look)
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    if width < 500:
        phone_viewport(driver)  # Chromium's window is at least 500 px wide: a narrower one only by emulation
    return driver


def phone_viewport(driver, on=True):
    """A 390×844 CSS-pixel viewport (an iPhone 12–15's), kept across navigations, or back to the window's own."""
    if on:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": False})
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


class Failure(AssertionError):
    pass


class Walkthrough:
    def __init__(self, appliance):
        self.app = appliance
        self.base = appliance.base
        self.desk = browser(1280, 900)
        try:
            self.phone = browser(*PHONE)
        except Exception:
            self.desk.quit()
            raise
        self.shot = 0
        self.problems = []  # page-check problems: collected, all reported, and the run fails on any
        self.screens = []
        self.steps = []
        self.missing = []  # screens this appliance does not have (yet)
        self.swedish_paths = []  # the desktop screens seen in Swedish, in order, and their interface text
        self.swedish_texts = set()
        self.post_results = set()

    # ---- helpers ---------------------------------------------------------------------------------------------

    def url(self, path):
        return self.base + path

    def path(self, d=None):
        d = d or self.desk
        return re.sub(r"^https?://[^/]+", "", d.current_url).split("#")[0].split("?")[0]

    def wait(self, d, condition, what):
        try:
            # While a page is replaced, chromedriver may answer with any of its errors: keep waiting through them.
            return WebDriverWait(d, WAIT, ignored_exceptions=(WebDriverException,)).until(condition)
        except TimeoutException:
            raise Failure(f"waited for {what} on {self.path(d)}; the page shows:\n{self.text(d)[:1500]}")

    def loaded(self, d):
        self.wait(d, lambda x: x.execute_script("return document.readyState") == "complete", "the page to load")

    def get(self, path, d=None):
        d = d or self.desk
        d.get(self.url(path))
        self.loaded(d)

    def text(self, d=None):
        d = d or self.desk
        try:
            return d.find_element(By.TAG_NAME, "body").text
        except Exception:  # noqa: BLE001 — only for messages
            return "(no body)"

    def navigate(self, d, action, what):
        """Does what leads to another page (a click on a submit button or a link) and waits for that page: the old
        document is marked, and the wait is over when a complete document without the mark is there."""
        mark = secrets.token_hex(6)
        d.execute_script("document.documentElement.setAttribute('data-walkthrough', arguments[0]);", mark)
        action()
        self.wait(d, lambda x: x.execute_script(
            "return document.readyState === 'complete' && "
            "document.documentElement.getAttribute('data-walkthrough') !== arguments[0];", mark), what)

    def submit(self, button, d=None):
        """Clicks a submit button and waits for the next page (plain POST, redirect, GET)."""
        d = d or self.desk
        d.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        what = "the next page after pressing “" + (button.text or button.get_attribute("aria-label") or "") + "”"
        action = d.execute_script("const f = arguments[0].form; return f && f.method === 'post' ? "
                                  "new URL(f.action).pathname : null;", button)
        self.navigate(d, button.click, what)
        if action and self.path(d) == action:
            self.post_results.add(action)  # a page a POST answered itself (bad input shown again): no GET for it

    def button(self, label, d=None, within=None):
        """A button by its visible text (or its start: "Skicka förfrågningar (2)")."""
        d = d or self.desk
        scope = within or d
        xpath = (f".//button[normalize-space()={xq(label)} or starts-with(normalize-space(), {xq(label)}) "
                 f"or @aria-label={xq(label)}]")
        found = [b for b in scope.find_elements(By.XPATH, xpath) if b.is_displayed()]
        if not found:
            raise Failure(f"no button “{label}” on {self.path(d)}; the page shows:\n{self.text(d)[:1500]}")
        exact = [b for b in found if " ".join(b.text.split()) == label or b.get_attribute("aria-label") == label]
        return (exact or found)[0]

    def press(self, label, d=None, within=None):
        self.submit(self.button(label, d, within), d)

    def link(self, label, d=None, exact=True):
        d = d or self.desk
        xpath = f"//a[normalize-space()={xq(label)}]" if exact else f"//a[contains(normalize-space(), {xq(label)})]"
        found = [a for a in d.find_elements(By.XPATH, xpath) if a.is_displayed()]
        if not found:
            raise Failure(f"no link “{label}” on {self.path(d)}; the page shows:\n{self.text(d)[:1500]}")
        return found[0]

    def follow(self, label, d=None, exact=True):
        d = d or self.desk
        a = self.link(label, d, exact)
        d.execute_script("arguments[0].scrollIntoView({block: 'center'});", a)
        self.navigate(d, a.click, f"the link “{label}” to open")

    def field(self, key, d=None):
        """A form field by its id `f-<name>` or, failing that, by its label's text (the label's control)."""
        d = d or self.desk
        found = d.find_elements(By.ID, "f-" + key)
        if found:
            return found[0]
        el = d.execute_script(
            "const want = arguments[0];"
            "for (const l of document.querySelectorAll('label')) {"
            "  const t = l.textContent.replace(/\\s+/g, ' ').trim();"
            "  if ((t === want || t.startsWith(want)) && l.control) return l.control; }"
            "return null;", key)
        if el is None:
            raise Failure(f"no field f-{key} or labelled “{key}” on {self.path(d)}")
        return el

    def fill(self, key, value, d=None):
        d = d or self.desk
        el = self.field(key, d)
        kind = (el.get_attribute("type") or "").lower()
        if el.tag_name == "select":
            select = Select(el)
            try:
                select.select_by_value(value)
            except Exception:  # noqa: BLE001 — fall back to the visible text
                select.select_by_visible_text(value)
        elif kind in ("date", "time", "datetime-local"):
            # Chromium's date widgets take keys in the browser's locale; the value is what the form posts.
            d.execute_script("arguments[0].value = arguments[1];"
                             "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", el, value)
        elif kind == "file":
            el.send_keys(value)
        else:
            el.clear()
            el.send_keys(value)
        return el

    def expect(self, condition, message, d=None):
        if not condition:
            raise Failure(message + f" (on {self.path(d)}); the page shows:\n{self.text(d)[:1500]}")

    def expect_text(self, needle, d=None):
        d = d or self.desk
        self.expect(needle in self.text(d), f"expected “{needle}” on the page", d)

    def flash(self, d=None):
        d = d or self.desk
        found = d.find_elements(By.CSS_SELECTOR, "p.flash")
        return found[0].text if found else ""

    def screen(self, name, d=None, no_horizontal_scroll=False, expect_error=None):
        """Every screen: a screenshot (not blank), and the page checks."""
        d = d or self.desk
        self.loaded(d)
        self.shot += 1
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, f"{self.shot:02d}-{name}.png")
        save_full_page(d, path)
        where = f"{os.path.basename(path)} ({self.path(d)})"
        self.screens.append(where)
        blank = blank_image(path)
        if blank:
            self.problems.append(f"{where}: the screenshot is blank ({blank})")
        if d is self.desk and not expect_error and d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv":
            self.swedish_paths.append(self.path(d))
            self.swedish_texts.update(d.execute_script(INTERFACE_TEXT_JS))
        for problem in d.execute_script(PAGE_CHECKS_JS) + d.execute_script(CONTRAST_JS):
            self.problems.append(f"{where}: {problem}")
        headings = [h.text.strip() for h in d.find_elements(By.TAG_NAME, "h1")]
        error = next((h for h in headings if h in ERROR_TITLES), None)
        if error and not expect_error:
            self.problems.append(f"{where}: an error page where a screen was expected: {error}")
        if expect_error and error != expect_error:
            self.problems.append(f"{where}: expected the error page “{expect_error}”, saw {headings}")
        if no_horizontal_scroll:
            scroll, inner, wide = d.execute_script(NO_HORIZONTAL_SCROLL_JS)
            if inner != PHONE[0]:
                self.problems.append(f"{where}: the phone check needs a {PHONE[0]} px wide window, not {inner} px")
            elif scroll > inner:
                self.problems.append(f"{where}: scrolls sideways at {inner} px (scrollWidth {scroll}); "
                                     f"wider than the window: {wide}")

    def visit(self, path, name, d=None, **checks):
        """Opens a screen and checks it; a screen the appliance does not have (yet) is listed as missing, not
        failed: the walk-through fails only on what exists."""
        d = d or self.desk
        self.get(path, d)
        headings = [h.text.strip() for h in d.find_elements(By.TAG_NAME, "h1")]
        if any(h in ("Hittades inte", "Not found") for h in headings):
            self.missing.append(path)
            print(f"   skipped: page missing: {path}", flush=True)
            return False
        self.screen(name, d, **checks)
        return True

    def requests_table(self, d=None):
        """The need page's requests as [(musician, status, sent, reminder, deadline, answered)], read in one go
        (app.js may refresh the table while it is read)."""
        d = d or self.desk
        return d.execute_script(
            "return Array.from(document.querySelectorAll('[data-live] tbody tr')).filter(r => r.cells.length > 1)"
            ".map(r => Array.from(r.cells).slice(0, 6).map(c => c.innerText.trim()));")

    def project_needs(self):
        """The project page's needs as {position: (booked, waiting, status)}."""
        rows = self.desk.execute_script(
            "return Array.from(document.querySelectorAll('table tbody tr')).filter(r => r.cells.length >= 6 && "
            "r.querySelector('a[href^=\"/needs/\"]')).map(r => Array.from(r.cells).map(c => c.innerText.trim()));")
        return {row[0]: (row[1], row[2], row[5]) for row in rows}

    def pending_count(self):
        """How many of the need page's requests wait for an answer."""
        return len([row for row in self.requests_table() if row[1] == "väntar på svar"])

    def request_status(self, musician, d=None):
        for row in self.requests_table(d):
            if canon(row[0]) == musician:
                return row
        return None

    def step(self, title):
        self.steps.append(title)
        print(f"-- {title}", flush=True)

    def press_confirmed(self, label, d=None, within=None):
        """Presses a button whose form asks first (`data-confirm`): with the page's JavaScript on, the question comes
        as a dialog and is answered OK; without it, the form posts at once. Returns the question."""
        d = d or self.desk
        button = self.button(label, d, within)
        question = d.execute_script("return arguments[0].form ? arguments[0].form.getAttribute('data-confirm') : null;",
                                    button)
        self.expect(question, f"“{label}” should ask before it acts (data-confirm on its form)", d)
        if not JAVASCRIPT:
            self.submit(button, d)
            return question
        d.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)

        def click_and_answer_ok():
            button.click()
            try:
                dialog = WebDriverWait(d, WAIT).until(expected_conditions.alert_is_present())
            except TimeoutException:
                raise Failure(f"“{label}” should ask “{question}” in a dialog (app.js) on {self.path(d)}")
            asked = dialog.text
            dialog.accept()
            self.expect(asked == question, f"the dialog should ask “{question}”, not “{asked}”", d)
        action = d.execute_script("return new URL(arguments[0].form.action).pathname;", button)
        self.navigate(d, click_and_answer_ok, f"the next page after confirming “{label}”")
        if self.path(d) == action:
            self.post_results.add(action)  # as in submit: the POST answered with a page itself
        return question

    def section(self, heading_id, d=None):
        """A page's card by its heading's id (`<section aria-labelledby=…>`)."""
        d = d or self.desk
        found = d.find_elements(By.CSS_SELECTOR, f"section[aria-labelledby='{heading_id}']")
        self.expect(found, f"the page should have a section headed #{heading_id}", d)
        return found[0]

    def http(self, path, d=None, headers=None):
        """A plain GET outside the browser, as an integration or a download manager makes it: with the browser's
        session cookie (d), or with only the headers given; a redirect is returned, not followed.
        Returns (status, headers, body)."""
        headers = dict(headers or {})
        if d is not None:
            headers["Cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in d.get_cookies())
        request = urllib.request.Request(self.url(path), headers=headers)
        try:
            with urllib.request.build_opener(NoRedirects).open(request, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def outbox_rows(self):
        """The outbox's first page as [(row text, the message's link)]."""
        self.get("/outbox")
        return self.desk.execute_script(
            "return Array.from(document.querySelectorAll('tbody tr')).filter(r => r.cells.length > 1)"
            ".map(r => [r.innerText, r.querySelector('a') ? r.querySelector('a').getAttribute('href') : null]);")

    # ---- the day -------------------------------------------------------------------------------------------

    def run(self):
        self.log_in()
        self.onboarding()
        self.import_csv()
        self.give_positions()
        self.rank_lists()
        self.create_project()
        self.add_needs()
        self.custom_list()
        self.project_files()
        self.preview_and_send()
        if JAVASCRIPT:
            self.drag_to_reorder()
        self.clear_list()
        self.read_outbox()
        self.answer_on_phone()
        self.musician_page()
        self.see_answers()
        self.move_clock()
        self.cancel_need()
        self.pause_and_book()
        self.group_email()
        self.record_withdrawal()
        self.edit_template()
        self.settings_saved()
        self.add_colleague()
        self.manage_colleague()
        self.api_keys()
        self.webhooks()
        self.other_screens()
        self.search_and_archive()
        self.edit_instruments()
        self.send_whole_project()
        self.change_password()
        self.switch_to_english()
        self.superadmin()

    def log_in(self):
        self.step("log in")
        self.get("/")
        self.wait(self.desk, lambda x: "/login" in x.current_url, "the login page (not logged in yet)")
        self.screen("login")
        self.fill("Användarnamn eller e-post", MANAGER)
        self.fill("Lösenord", PASSWORD)
        self.press("Logga in")
        self.expect(self.path() == "/", "logging in should lead to the dashboard")

    def onboarding(self):
        self.step("dashboard with the onboarding checklist")
        self.expect_text("Kom igång")
        checklist = self.desk.find_element(By.CSS_SELECTOR, "ol.checklist").text
        for item in ("Lägg till musiker", "Ranka musiker på en A-lista", "Skapa ett projekt"):
            self.expect(item in checklist, f"the onboarding checklist should name “{item}”: {checklist!r}")
        self.screen("dashboard-onboarding")
        self.dashboard_on_phone_width("dashboard-onboarding-390")
        self.follow("Lägg till musiker")
        self.expect(self.path().startswith("/musicians"), "the checklist's musicians step should open the musicians")

    def dashboard_on_phone_width(self, name):
        phone_viewport(self.desk)
        try:
            self.get("/")
            self.screen(name, no_horizontal_scroll=True)
        finally:
            phone_viewport(self.desk, on=False)
        self.get("/")

    def import_csv(self):
        self.step("import six musicians from a CSV file: dry run, then commit")
        self.get("/musicians")
        self.screen("musicians-empty")
        self.follow("Importera CSV")
        self.expect(self.path() == "/musicians/import", "“Importera CSV” should open /musicians/import")
        self.screen("import")
        # A pasted file with a row that lacks its email: the line is named and nothing can be committed.
        self.fill("paste", "förnamn;efternamn;e-post\nGustav;Ölund;gustav@example.org\nHanna;Ström;\n")
        self.press("Kontrollera filen")
        problems = [li.text for li in self.desk.find_elements(By.CSS_SELECTOR, "#report-title ~ ul li")]
        self.expect(any(p.startswith("Rad 3") for p in problems), f"the dry run should name line 3 (no email): {problems}")
        self.expect(not self.desk.find_elements(By.XPATH, "//button[normalize-space()='Importera musikerna']"),
                    "a file with a bad row must offer no commit button")
        self.screen("import-errors")
        csv_path = os.path.join(self.app.dir, "musiker.csv")
        with open(csv_path, "w", encoding="utf-8", newline="") as f:
            f.write(CSV)
        self.fill("file", csv_path)
        self.press("Kontrollera filen")
        self.expect_text("Kontroll av filen")
        self.expect_text("Skostorlek")  # the column it does not read, named
        self.expect(self.desk.find_elements(By.XPATH, "//button[normalize-space()='Importera musikerna']"),
                    "the dry run of a good file should offer the commit button")
        self.screen("import-dry-run")
        self.get("/musicians")
        self.expect("Ek, Anna" not in self.text(), "the dry run must not import anyone")
        self.get("/musicians/import")
        self.fill("file", csv_path)
        self.press("Kontrollera filen")
        self.press("Importera musikerna")
        # The commit leads to the roster with a notice (or to the report page with a link to the roster).
        if self.path().startswith("/musicians/import"):
            self.expect_text("Importen är klar")
            self.screen("import-done")
            self.follow("Till musikerlistan")
        self.expect(self.path().startswith("/musicians"), "after the import the roster should show")
        self.expect("importerade" in self.flash(), f"the roster should say the musicians were imported: {self.flash()!r}")
        for name in PLAYS:
            self.expect_text(name)
        self.screen("musicians")
        # The same file again: every row is a duplicate now, named, and nothing can be committed.
        self.get("/musicians/import")
        self.fill("file", csv_path)
        self.press("Kontrollera filen")
        problems = [li.text for li in self.desk.find_elements(By.CSS_SELECTOR, "#report-title ~ ul li")]
        lines = {int(m.group(1)) for m in (re.match(r"Rad (\d+):", p) for p in problems) if m}
        self.expect(lines == set(range(2, 8)) and "anna.ek@example.org" in " ".join(problems),
                    f"a second import of the same file should name the six duplicates, lines 2–7: {problems}")
        self.expect(not self.desk.find_elements(By.XPATH, "//button[normalize-space()='Importera musikerna']"),
                    "duplicates must offer no commit button")
        self.screen("import-duplicates")
        self.get("/")
        done = [li.text for li in self.desk.find_elements(By.CSS_SELECTOR, "ol.checklist li") if "Klart" in li.text]
        self.expect(any("musiker" in t.lower() for t in done), f"after the import the checklist's musicians step is "
                                                                f"done: {done}")

    def musician_ids(self):
        self.get("/musicians")
        return self.desk.execute_script(
            "const m = {}; for (const a of document.querySelectorAll('table a[href^=\"/musicians/\"]'))"
            " m[a.textContent.trim()] = a.getAttribute('href').split('/')[2]; return m;")

    def give_positions(self):
        self.step("give each musician a position (edit form, positionIds)")
        ids = self.musician_ids()
        first = True
        for name, position in PLAYS.items():
            self.expect(name in ids, f"{name} should be on /musicians: {ids}")
            if first:
                self.get(f"/musicians/{ids[name]}")
                self.screen("musician-profile")
                self.follow("Redigera")
            else:
                self.get(f"/musicians/{ids[name]}/edit")
            position_name, instrument = [p.strip() for p in position.split(",")]
            box = self.desk.find_elements(By.XPATH,
                f"//fieldset//div[strong[normalize-space()={xq(instrument)}]]"
                f"//label[span[normalize-space()={xq(position_name)}]]/input[@name='positionIds']")
            self.expect(box, f"the edit form of {name} should have a checkbox {position} (positionIds)")
            if not box[0].is_selected():
                self.desk.execute_script("arguments[0].scrollIntoView({block: 'center'});", box[0])
                box[0].click()
            if first:
                self.screen("musician-edit")
                first = False
            self.press("Spara")
            self.expect(re.fullmatch(r"/musicians/\d+", self.path()) is not None,
                        f"saving {name} should lead back to the profile")
            self.expect_text(instrument)
        self.ids = ids

    def open_a_list(self, position):
        self.get("/lists")
        label = self.desk.execute_script(
            "for (const tr of document.querySelectorAll('tbody tr')) {"
            "  const h2 = tr.closest('section').querySelector('h2').textContent.trim();"
            "  if (tr.cells[0].textContent.trim() + ', ' + h2 === arguments[0]) {"
            "    const a = tr.querySelector('a'); return a ? a.getAttribute('href') : null; } }"
            "return null;", position)
        self.expect(label, f"/lists should have an A list for {position}")
        self.get(label)
        self.expect(self.path().startswith("/lists/"), "the A list's link should open /lists/{id}")
        return label

    def ranked(self):
        names = self.desk.execute_script(
            "return Array.from(document.querySelectorAll('ol.ranking li .who')).map(e => e.textContent.trim());")
        return [canon(n) for n in names]

    def rank_lists(self):
        self.step("rank two A lists: tick musicians, add the selected, reorder with ↑/↓")
        self.get("/lists")
        self.screen("lists")
        for position, people in ((SEQUENTIAL_POSITION, ["Ek, Anna", "Lind, Björn", "Berg, Cecilia"]),
                                 (FIRST_COME_POSITION, ["Holm, David", "Sjö, Eva", "Nyström, Fredrik"])):
            self.open_a_list(position)
            if position == SEQUENTIAL_POSITION:
                self.screen("list-a-empty")
            for name in people:
                box = self.desk.find_elements(By.XPATH, f"//label[span[normalize-space()={xq(name)}]]"
                                                        "/input[@name='musicianIds']")
                self.expect(box, f"{name} should be a candidate for the A list of {position}")
                box[0].click()
            self.press("Lägg till de valda")
            self.expect(sorted(self.ranked()) == sorted(people), f"the A list of {position} should hold {people}: "
                                                                  f"{self.ranked()}")
        # The sequential list in the personnel manager's order, whatever order the list added them in, by the
        # ↑/↓ buttons (at least one press: the list adds in name order, Berg, Ek, Lind).
        wanted = ["Berg, Cecilia", "Lind, Björn", "Ek, Anna"]
        self.open_a_list(SEQUENTIAL_POSITION)
        self.expect(self.ranked() != wanted, f"the test needs a list to reorder: {self.ranked()}")
        for _ in range(6):
            order = self.ranked()
            if order == wanted:
                break
            # Move the first musician who is above where they belong one place down.
            for i, name in enumerate(order):
                if wanted.index(name) > i:
                    self.press(f"Flytta ned: {spoken(name)}")
                    break
                if wanted.index(name) < i:
                    self.press(f"Flytta upp: {spoken(name)}")
                    break
        self.expect(self.ranked() == wanted, f"the A list should read {wanted} after ↑/↓: {self.ranked()}")
        self.screen("list-a-ranked")

    def open_b_list(self, position):
        """The B list of a position, from its A list's row of A/B/C buttons."""
        self.open_a_list(position)
        href = self.desk.execute_script(
            "const a = Array.from(document.querySelectorAll('nav.actions a[href^=\"/lists/\"]'))"
            ".find(a => a.textContent.trim().startsWith('B ')); return a ? a.getAttribute('href') : null;")
        self.expect(href, f"the A list of {position} should link to its B list")
        self.get(href)
        return href

    def fill_b_list(self):
        """The viola's B list, which no need asks from, with the three violists (in the order the list adds them)."""
        href = self.open_b_list(SEQUENTIAL_POSITION)
        if len(self.ranked()) < 3:
            for name in PLAYS:
                if PLAYS[name] == SEQUENTIAL_POSITION and name not in self.ranked():
                    self.desk.find_element(By.XPATH, f"//label[span[normalize-space()={xq(name)}]]"
                                                     "/input[@name='musicianIds']").click()
            self.press("Lägg till de valda")
        self.expect(len(self.ranked()) == 3, f"the B list should hold the three violists: {self.ranked()}")
        return href

    def drag_to_reorder(self):
        self.step("drag a musician to the top of a ranking list (app.js); the order is saved")
        href = self.fill_b_list()
        before = self.ranked()
        items = self.desk.find_elements(By.CSS_SELECTOR, "ol.ranking > li")
        self.expect(items[-1].get_attribute("draggable") == "true", "with JavaScript on, the list's rows are draggable")
        self.desk.execute_script("arguments[0].scrollIntoView({block: 'center'});", items[0])
        # The last row dragged over the top half of the first and dropped there: app.js posts the new order.
        # WebDriver's mouse actions start no HTML5 drag in headless Chromium (dragstart never fires), so the drag
        # events a person's mouse makes are dispatched, with one DataTransfer as a real drag carries.
        self.navigate(self.desk, lambda: self.desk.execute_script(DRAG_JS, items[-1], items[0]),
                      "the list page after the drop")
        self.expect(self.flash() == "Sparat.", f"the drop should save the order: {self.flash()!r}")
        self.get(href)
        wanted = [before[-1]] + before[:-1]
        self.expect(self.ranked() == wanted, f"after a reload the dragged musician should be first: {self.ranked()}, "
                                             f"wanted {wanted}")
        self.screen("list-b-dragged")

    def clear_list(self):
        self.step("clear a ranking list with its typed confirmation word (refused while a need asks from it)")
        # The A list the sequential need asks from: the right word, and still refused, with why.
        self.open_a_list(SEQUENTIAL_POSITION)
        word = self.desk.find_element(By.CSS_SELECTOR, "label[for='f-confirm'] strong").text.strip()
        self.expect(word == "RADERA", f"the word to type should be RADERA: {word!r}")
        self.fill("confirm", word)
        self.press("Töm listan")
        alert = self.desk.find_elements(By.CSS_SELECTOR, "p.alert")
        self.expect(alert and "används av ett behov" in alert[0].text,
                    f"a list a need asks from cannot be cleared, and the page says why: {[a.text for a in alert]}")
        self.expect(len(self.ranked()) == 3, f"the refused clear leaves the list as it was: {self.ranked()}")
        self.screen("list-in-use-not-cleared")
        # The viola's B list, which no need uses: a wrong word is refused beside the field; RADERA empties it.
        href = self.fill_b_list()
        self.fill("confirm", "radera inte")
        self.press("Töm listan")
        error = self.desk.find_elements(By.ID, "e-confirm")
        self.expect(error and error[0].text == "Skriv ordet exakt som det står.",
                    f"a wrong word should be refused beside the field: {[e.text for e in error]}")
        self.expect(len(self.ranked()) == 3, f"a wrong word clears nothing: {self.ranked()}")
        self.screen("list-clear-refused")
        self.fill("confirm", word)
        self.press("Töm listan")
        self.expect(self.flash() == "Listan är tömd.", f"clearing should say the list is cleared: {self.flash()!r}")
        self.get(href)
        self.expect(self.ranked() == [] and "Listan är tom" in self.text(), f"the cleared list is empty: {self.ranked()}")
        self.screen("list-cleared")
        self.open_a_list(SEQUENTIAL_POSITION)
        self.expect(self.ranked() == ["Berg, Cecilia", "Lind, Björn", "Ek, Anna"],
                    f"clearing the B list leaves the A list alone: {self.ranked()}")

    def create_project(self):
        self.step("create a project")
        self.get("/projects")
        self.screen("projects-empty")
        self.follow("Nytt projekt")
        self.expect(self.path() == "/projects/new", "“Nytt projekt” should open /projects/new")
        start = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 75 * 86400))
        # First a slip: the end before the start. The message beside the field, what was typed kept.
        self.fill("name", "Mahler 5")
        self.fill("startDate", start)
        self.fill("endDate", time.strftime("%Y-%m-%d", time.gmtime(time.time() + 70 * 86400)))
        self.fill("concertInfo", "Torsdag 19.00, Konserthuset")
        self.press("Spara")
        self.expect(self.desk.find_elements(By.ID, "e-endDate"), "a project that ends before it starts: a message "
                                                                 "beside the end date")
        self.expect(self.field("concertInfo").get_attribute("value") == "Torsdag 19.00, Konserthuset",
                    "bad input: what was typed stays in the form")
        self.screen("project-new-errors")
        end = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 78 * 86400))
        self.fill("name", "Mahler 5")
        self.fill("startDate", start)
        self.fill("endDate", end)
        self.fill("rehearsalSchedule", "Mån 10–13 och 14–17, Stora salen")
        self.fill("concertInfo", "Torsdag 19.00, Konserthuset")
        self.screen("project-new")
        self.press("Spara")
        self.expect(re.fullmatch(r"/projects/\d+", self.path()) is not None, "saving should open the project page")
        self.project = self.path()
        self.expect_text("Mahler 5")
        self.screen("project")

    def add_need(self, position, strategy, hours, max_recipients=None):
        self.get(self.project)
        self.fill("positionId", position)
        self.fill("quantity", "1")
        self.fill("list", "A")
        self.fill("strategy", strategy)
        self.fill("responseTimeHours", str(hours))
        if max_recipients:
            self.fill("maxRecipients", str(max_recipients))
        self.press("Lägg till behovet")
        self.expect(self.path().startswith(self.project) or self.path().startswith("/needs/"),
                    "adding a need should stay with the project")
        self.get(self.project)
        links = self.desk.execute_script(
            "return Array.from(document.querySelectorAll('table a[href^=\"/needs/\"]'))"
            ".map(a => [a.textContent.trim(), a.getAttribute('href')]);")
        for text, href in links:
            if text == position and href not in self.needs.values():
                return href
        raise Failure(f"the project page should list a need for {position}: {links}")

    def custom_list(self):
        self.step("make the project's own list from an A list, open it, change its order and take one off")
        self.get(self.project)
        section = self.desk.find_element(By.CSS_SELECTOR, "section[aria-labelledby='custom-lists']")
        section.find_element(By.NAME, "name").send_keys("Reserver")
        Select(section.find_element(By.NAME, "positionId")).select_by_visible_text(SEQUENTIAL_POSITION)
        Select(section.find_element(By.NAME, "fromList")).select_by_value("A")
        self.press("Skapa listan", within=section)
        self.expect(self.flash() == "Skapad.", f"making the list should say so: {self.flash()!r}")
        self.follow("Reserver")
        self.expect(re.fullmatch(r"/custom-lists/\d+", self.path()) is not None, "the list's name should open its own page")
        copied = self.ranked()
        self.expect(copied == ["Berg, Cecilia", "Lind, Björn", "Ek, Anna"], f"a copy of the A list in its order: {copied}")
        self.press(f"Flytta ned: {spoken('Berg, Cecilia')}")
        self.expect(self.ranked() == ["Lind, Björn", "Berg, Cecilia", "Ek, Anna"], f"↓ moves one place: {self.ranked()}")
        self.press(f"Ta bort från listan: {spoken('Ek, Anna')}")
        self.expect(self.ranked() == ["Lind, Björn", "Berg, Cecilia"], f"✕ takes the musician off: {self.ranked()}")
        self.screen("custom-list")

    def project_files(self):
        self.step("upload a PDF to the project, sent with the request; it is listed and downloads as an attachment")
        self.get(self.project)
        pdf = os.path.join(self.app.dir, SCORE_FILE)
        content = write_pdf(pdf, "Mahler 5 - Altfiol")
        section = self.section("files")
        self.fill("upload", pdf)
        Select(section.find_element(By.NAME, "sendWith")).select_by_value("request")
        self.press("Ladda upp", within=section)
        self.expect(self.path() == self.project, "the upload should lead back to the project page")
        self.expect(self.flash() == "Filen är uppladdad.", f"the upload should say the file is uploaded: {self.flash()!r}")
        files = self.desk.execute_script(
            "return Array.from(document.querySelectorAll('section[aria-labelledby=\"files\"] li a[href^=\"/files/\"]'))"
            ".map(a => [a.textContent.trim(), a.getAttribute('href'), a.parentElement.innerText]);")
        listed = [f for f in files if f[0] == SCORE_FILE]
        self.expect(listed, f"the project page should list {SCORE_FILE}: {files}")
        self.expect("förfrågan" in listed[0][2], f"the file should say it goes with the request: {listed[0][2]!r}")
        self.screen("project-files")
        # The link downloads the file as it was uploaded, as an attachment (never shown inside the staff's page).
        status, headers, body = self.http(listed[0][1], self.desk)
        disposition = headers.get("Content-Disposition", "")
        self.expect(status == 200 and body == content, f"the file's link should give the uploaded file: {status}, "
                                                       f"{len(body)} bytes of {len(content)}")
        self.expect(headers.get("Content-Type", "").startswith("application/pdf"),
                    f"a PDF should download as application/pdf: {headers.get('Content-Type')!r}")
        name = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
        self.expect(disposition.startswith("attachment") and name and urllib.parse.unquote(name.group(1)) == SCORE_FILE,
                    f"the file should download as an attachment under its own name: {disposition!r}")
        status, headers, _ = self.http(listed[0][1])
        self.expect(status == 303 and headers.get("Location", "").startswith("/login"),
                    f"without a login the file's link should lead to the login: {status} {headers.get('Location')!r}")
        # A second file, meant for the confirmation, uploaded by mistake and taken off again (it asks first).
        other = os.path.join(self.app.dir, "Fel fil.pdf")
        write_pdf(other, "Fel fil")
        self.fill("upload", other)
        Select(self.section("files").find_element(By.NAME, "sendWith")).select_by_value("confirmation")
        self.press("Ladda upp", within=self.section("files"))
        row = self.desk.find_elements(By.XPATH, "//section[@aria-labelledby='files']//li[a[normalize-space()='Fel fil.pdf']]")
        self.expect(row and "bekräftelsen" in row[0].text, f"the second file should go with the confirmation: "
                                                           f"{[r.text for r in row]}")
        self.press_confirmed("Ta bort", within=row[0])
        self.expect(self.flash() == "Borttagen.", f"taking the file off should say so: {self.flash()!r}")
        names = [a.text.strip() for a in self.section("files").find_elements(By.CSS_SELECTOR, "li a")]
        self.expect(names == [SCORE_FILE], f"after “Ta bort” only the score should be left: {names}")

    def add_needs(self):
        self.step("add a sequential need and a first-come need on the project page")
        self.needs = {}
        self.needs["sequential"] = self.add_need(SEQUENTIAL_POSITION, "sequential", 24)
        self.needs["first_come"] = self.add_need(FIRST_COME_POSITION, "first_come", 48, max_recipients=2)
        self.get(self.project)
        self.expect_text("en i taget")
        self.expect_text("först till kvarn")
        self.screen("project-with-needs")

    def preview_and_send(self):
        self.step("preview who is asked, then send each need")
        self.open_a_list(SEQUENTIAL_POSITION)
        used = [a.get_attribute("href") for a in self.desk.find_elements(By.CSS_SELECTOR, "p.info a[href^='/needs/']")]
        self.expect(any(u.endswith(self.needs["sequential"]) for u in used),
                    f"the A list should name the need that asks from it: {used}")
        self.screen("list-a-in-use")
        self.get(self.project)
        self.follow("Förhandsgranska och skicka")
        self.expect(self.path().endswith("/preview"), "the project's preview should open")
        self.screen("project-preview")
        self.get(self.needs["sequential"])
        ask = [canon(n) for n in self.desk.execute_script(
            "return Array.from(document.querySelectorAll('.plan > ol:first-of-type > li'))"
            ".map(li => li.firstChild.textContent.trim());")]
        self.expect(ask == ["Berg, Cecilia"], f"a sequential need asks the top of the A list first: {ask}")
        queue = [canon(n) for n in self.desk.execute_script(
            "return Array.from(document.querySelectorAll('.plan > ol:nth-of-type(2) > li'))"
            ".map(li => li.textContent.trim());")]
        self.expect(queue == ["Lind, Björn", "Ek, Anna"], f"the preview's queue should be the rest of the list: {queue}")
        self.screen("need-sequential-preview")
        self.press("Skicka förfrågningar")
        self.wait(self.desk, lambda x: self.request_status("Berg, Cecilia"), "Berg's request on the need page")
        self.expect(self.request_status("Berg, Cecilia")[1] == "väntar på svar", "Berg should be asked first")
        self.expect(self.request_status("Lind, Björn") is None, "one at a time: Lind waits in the queue")
        self.screen("need-sequential-sent")
        self.get(self.needs["first_come"])
        plan = self.desk.find_element(By.CSS_SELECTOR, ".plan").text
        self.expect("(2)" in plan, f"first come with at most 2 recipients asks two: {plan!r}")
        self.screen("need-first-come-preview")
        self.press("Skicka förfrågningar")
        self.wait(self.desk, lambda x: len(self.requests_table()) == 2, "two requests on the first-come need")
        self.screen("need-first-come-sent")
        self.first_come_asked = [canon(row[0]) for row in self.requests_table()]

    def answer_link(self, musician):
        """The request message to a musician in the outbox (its row names the type and the recipient's address),
        and the answer link the message page shows."""
        self.get("/outbox")
        rows = self.desk.execute_script(
            "return Array.from(document.querySelectorAll('tbody tr')).filter(r => r.cells.length > 1)"
            ".map(r => [r.innerText, r.querySelector('a') ? r.querySelector('a').getAttribute('href') : null]);")
        for text, href in rows:
            if href and EMAILS[musician] in text and "Förfrågan" in text:
                self.get(href)
                self.expect_text(EMAILS[musician])
                answer = self.desk.find_elements(By.CSS_SELECTOR, ".message a[href*='/r/']")
                self.expect(answer, f"the request message to {musician} should show a clickable answer link")
                return href, answer[0].get_attribute("href")
        raise Failure(f"no request message to {musician} <{EMAILS[musician]}> in /outbox: {rows}")

    def read_outbox(self):
        self.step("read the outbox; a request message shows the answer link")
        self.get("/outbox")
        self.expect(len(self.desk.find_elements(By.CSS_SELECTOR, "tbody tr a[href^='/outbox/']")) >= 3,
                    "the outbox should hold the three request messages")
        self.screen("outbox")
        self.links = {}
        for name in ["Berg, Cecilia"] + self.first_come_asked:
            message, link = self.answer_link(name)
            self.links[name] = link
            if len(self.links) == 1:
                self.screen("outbox-message")

    def answer_on_phone(self):
        self.step("answer as two musicians on a phone (390×844), each in their own language")
        yes, no = self.first_come_asked[0], "Berg, Cecilia"  # Berg chose English in the CSV
        if JAVASCRIPT:  # the staff have the need page open while the musicians answer (see live_refresh)
            self.get(self.needs["first_come"])
            self.expect(self.request_status(yes)[1] == "väntar på svar", f"{yes} has not answered yet")
            self.desk.execute_script("document.documentElement.setAttribute('data-walkthrough-live', 'not reloaded');")
        for who, answer, name in ((yes, "yes", "answer-yes"), (no, "no", "answer-no")):
            english = who in ENGLISH_SPEAKERS
            self.phone.get(self.links[who])
            self.loaded(self.phone)
            self.expect_text("Mahler 5", self.phone)
            lang = self.phone.find_element(By.TAG_NAME, "html").get_attribute("lang")
            self.expect(lang == ("en" if english else "sv"), f"{who}'s answer page should be in their language: "
                                                              f"lang={lang}", self.phone)
            self.screen(f"{name}-page-390", self.phone, no_horizontal_scroll=True)
            self.press(ANSWER_BUTTONS[answer][english], self.phone)
            self.expect(not self.phone.find_elements(By.CSS_SELECTOR, "form button"),
                        "after answering, the answer buttons should be gone", self.phone)
            self.screen(f"{name}-answered-390", self.phone, no_horizontal_scroll=True)
            if answer == "yes":  # the booking for the musician's calendar, from the page's link
                ics = self.phone.find_elements(By.CSS_SELECTOR, "a[href$='.ics']")
                self.expect(ics, "the accepted answer page should offer the booking for a calendar", self.phone)
                with urllib.request.urlopen(ics[0].get_attribute("href"), timeout=10) as r:
                    body = r.read().decode("utf-8", "replace")
                self.expect("BEGIN:VCALENDAR" in body and "Mahler 5" in body,
                            f"the calendar link should give the booking as iCalendar: {body[:200]!r}", self.phone)
            # The link again, later: the answer stands, no buttons.
            self.phone.get(self.links[who])
            self.loaded(self.phone)
            self.expect(not self.phone.find_elements(By.CSS_SELECTOR, "form button") and
                        self.phone.find_elements(By.CSS_SELECTOR, "[role=status]"),
                        "an answered link shows the answer and no buttons", self.phone)
        self.accepted, self.declined = yes, no
        if JAVASCRIPT:
            self.live_refresh()

    def live_refresh(self):
        self.step("the need page, open in the staff window all along, shows the phone's answer by itself (app.js)")
        who = self.accepted

        def shows_the_answer(d):
            self.expect(d.execute_script("return document.documentElement.getAttribute('data-walkthrough-live');")
                        == "not reloaded", "the need page should not have been reloaded")
            row = self.request_status(who)
            return row is not None and row[1] == "tackade ja"
        # app.js fetches the page every 15 s while it is visible: at most two rounds, and no reload.
        try:
            WebDriverWait(self.desk, 2 * WAIT).until(shows_the_answer)
        except TimeoutException:
            raise Failure(f"the need page should show {who}'s yes without a reload within {2 * WAIT} s: "
                          f"{self.requests_table()}")
        # The rest of the page came along in the same round: the need (one place) is filled, its counts say so,
        # and "book directly" and "change", which a filled need no longer offers, are gone.
        live = self.desk.execute_script(
            "var t = n => (document.querySelector('[data-live=\"' + n + '\"]') || {innerText: ''}).innerText;"
            "return {head: t('head'), facts: t('facts'), open: t('open')};")
        self.expect("tillsatt" in live["head"], f"the need's status should have become “tillsatt”: {live['head']!r}")
        self.expect("1 / 1" in live["facts"], f"the booked count should have become 1 / 1: {live['facts']!r}")
        self.expect("Boka direkt" not in live["open"] and not live["open"].strip(),
                    f"a filled need offers no direct booking or change any more: {live['open'][:200]!r}")
        self.screen("need-first-come-live")

    def musician_page(self):
        self.step("a musician asks for their own page's link on the phone, opens it, sees the booking, adds dates they cannot play")
        who = self.accepted
        self.phone.get(self.url("/my-link"))
        self.loaded(self.phone)
        self.screen("my-link-390", self.phone, no_horizontal_scroll=True)
        self.fill("E-postadress", EMAILS[who], self.phone)
        self.press("Skicka min länk", self.phone)
        self.expect(self.flash(self.phone), "the my-link page should say a link is on its way", self.phone)
        # The staff read the link in the outbox, as the musician would in their inbox.
        self.get("/outbox")
        rows = self.desk.execute_script(
            "return Array.from(document.querySelectorAll('tbody tr')).filter(r => r.cells.length > 1)"
            ".map(r => [r.innerText, r.querySelector('a') ? r.querySelector('a').getAttribute('href') : null]);")
        message = next((href for text, href in rows if href and EMAILS[who] in text and "Länk till min sida" in text), None)
        self.expect(message, f"the outbox should hold the page link sent to {who}")
        self.get(message)
        link = self.desk.find_elements(By.CSS_SELECTOR, ".message a[href*='/m/']")
        self.expect(link, "the page-link message should show a clickable link")
        self.phone.get(link[0].get_attribute("href"))
        self.loaded(self.phone)
        self.expect_text("Mahler 5", self.phone)
        self.expect_text("Dina bokningar", self.phone)
        self.screen("musician-page-390", self.phone, no_horizontal_scroll=True)
        self.fill("Från", "2027-06-01", self.phone)
        self.fill("Till", "2027-06-14", self.phone)
        self.fill("Anteckning", "Sommarturné", self.phone)
        self.press("Lägg till", self.phone)
        self.expect_text("Sommarturné", self.phone)
        self.screen("musician-page-blackout-390", self.phone, no_horizontal_scroll=True)

    def see_answers(self):
        self.step("the need pages and the dashboard show the answers")
        self.get(self.needs["first_come"])
        self.expect(self.request_status(self.accepted)[1] == "tackade ja", f"{self.accepted} should have accepted: "
                                                                            f"{self.requests_table()}")
        self.expect_text("1 / 1")
        other = [n for n in self.first_come_asked if n != self.accepted][0]
        self.expect(self.request_status(other)[1] == "återkallad",
                    f"once the need is filled, the other first-come request is withdrawn: {self.requests_table()}")
        self.screen("need-first-come-filled")
        # The other musician's link, now that the need is filled: no buttons, a word on where it stands.
        self.phone.get(self.links[other])
        self.loaded(self.phone)
        self.expect(not self.phone.find_elements(By.CSS_SELECTOR, "form button") and
                    self.phone.find_elements(By.CSS_SELECTOR, "[role=status]"),
                    f"{other}'s link, once the need is filled, shows that and no answer buttons", self.phone)
        self.screen("answer-filled-by-another-390", self.phone, no_horizontal_scroll=True)
        self.get(self.needs["sequential"])
        self.expect(self.request_status("Berg, Cecilia")[1] == "tackade nej", f"Berg should have declined: "
                                                                               f"{self.requests_table()}")
        self.expect(self.request_status("Lind, Björn") and self.request_status("Lind, Björn")[1] == "väntar på svar",
                    f"after Berg's no, the next on the list (Lind) is asked: {self.requests_table()}")
        self.screen("need-sequential-next-asked")
        self.get(self.project)
        needs = self.project_needs()
        self.expect(needs.get(FIRST_COME_POSITION) == ("1 / 1", "0", "tillsatt") and
                    needs.get(SEQUENTIAL_POSITION) == ("0 / 1", "1", "skickar"),
                    f"the project page should show the cello filled and the viola asking its second: {needs}")
        self.screen("project-answers")
        self.get("/")
        self.expect_text(spoken(self.accepted))  # the latest activity
        waiting = self.desk.execute_script(
            "return Array.from(document.querySelectorAll('a[href^=\"/needs/\"]')).map(a => a.getAttribute('href'));")
        self.expect(self.needs["sequential"] in waiting, f"the dashboard should list the viola need as waiting: {waiting}")
        self.screen("dashboard-activity")
        self.get(f"/musicians/{self.ids[self.accepted]}")
        self.expect("Mahler 5" in self.text() and "tackade ja" in self.text(),
                    f"{self.accepted}'s profile should list the accepted request")
        self.screen("musician-profile-requests")

    def move_clock(self):
        self.step("move the demo clock: a reminder goes, the request times out, the next musician is asked")
        self.get(self.needs["sequential"])
        self.expect_text("Demo")
        # +1 timme until Lind's reminder has gone (75 % of 24 h counted outside quiet hours: a bounded number of
        # steps); each step is processed before its redirect answers.
        for _ in range(60):
            row = self.request_status("Lind, Björn")
            if row[3] not in ("", "–") or row[1] != "väntar på svar":
                break
            self.press("+1 timme")
        row = self.request_status("Lind, Björn")
        self.expect(row[1] == "väntar på svar" and row[3] not in ("", "–"),
                    f"moving the clock by hours should send Lind a reminder before the deadline: {row}")
        self.screen("need-reminder-sent")
        self.get("/outbox")
        rows = self.desk.execute_script("return Array.from(document.querySelectorAll('tbody tr')).map(r => r.innerText);")
        self.expect(any("Påminnelse" in r and EMAILS["Lind, Björn"] in r for r in rows),
                    f"the outbox should show Lind's reminder: {rows}")
        self.screen("outbox-reminder")
        self.get(self.needs["sequential"])
        for _ in range(5):
            if self.request_status("Lind, Björn")[1] != "väntar på svar":
                break
            self.press("+1 dag")
        self.expect(self.request_status("Lind, Björn")[1] == "svarade inte i tid",
                    f"a day later Lind's request should have timed out: {self.requests_table()}")
        nxt = self.request_status("Ek, Anna")
        self.expect(nxt is not None and nxt[1] == "väntar på svar",
                    f"after Lind's timeout the next on the list (Ek) is asked: {self.requests_table()}")
        self.screen("need-timeout-next-asked")

    def cancel_need(self):
        self.step("cancel the sequential need with the typed confirmation word")
        self.get(self.needs["sequential"])
        label = self.desk.find_element(By.CSS_SELECTOR, "label[for='f-confirm']")
        word = label.find_element(By.TAG_NAME, "strong").text.strip()
        self.expect(word, "the cancel form should show the word to type, in bold")
        self.fill("confirm", "fel")
        self.press("Avbryt behovet")
        self.expect(self.desk.find_elements(By.ID, "e-confirm"), "a wrong confirmation word should be refused beside "
                                                                 "the field")
        self.screen("need-cancel-refused")
        self.fill("confirm", word)
        self.press("Avbryt behovet")
        self.get(self.needs["sequential"])
        self.expect(not self.desk.find_elements(By.ID, "f-confirm"), "a cancelled need offers no cancel form")
        nxt = self.request_status("Ek, Anna")
        self.expect(nxt is not None and nxt[1] != "väntar på svar",
                    f"cancelling withdraws the pending request: {self.requests_table()}")
        self.screen("need-cancelled")
        self.get("/outbox")
        rows = self.desk.execute_script("return Array.from(document.querySelectorAll('tbody tr')).map(r => r.innerText);")
        self.expect(any("tillbakadragen" in r and EMAILS["Ek, Anna"] in r for r in rows),
                    f"the musician whose request the cancel withdrew should be told: {rows}")
        self.screen("outbox-after-cancel")

    def pause_and_book(self):
        self.step("a third need: pause, resume, book a musician directly")
        self.needs["direct"] = self.add_need(SEQUENTIAL_POSITION, "sequential", 48)
        self.get(self.needs["direct"])
        self.press("Pausa")
        self.get(self.needs["direct"])
        self.expect(self.desk.find_element(By.CSS_SELECTOR, "h1 .badge").text == "pausad", "Pausa should pause the need")
        self.screen("need-paused")
        self.press("Återuppta")
        self.get(self.needs["direct"])
        # Resumed, a need that was never sent waits for its first send ("inte skickat än"), as a new one does.
        self.expect(self.desk.find_element(By.CSS_SELECTOR, "h1 .badge").text in ("skickar", "inte skickat än"), "Återuppta should resume it")
        self.fill("musicianId", "Ek, Anna")
        self.press("Boka", within=self.desk.find_element(By.CSS_SELECTOR, "form[action$='/book']"))
        self.get(self.needs["direct"])
        row = self.request_status("Ek, Anna")
        self.expect(row is not None and row[1].startswith("tackade ja") and "bokad direkt" in row[1],
                    f"booking directly should show Ek booked, marked “bokad direkt”: {self.requests_table()}")
        self.expect_text("1 / 1")
        self.screen("need-booked-directly")

    def group_email(self):
        self.step("a group email to the musicians booked on the project: compose, send, see it in the history and the outbox")
        booked = sorted([self.accepted, "Ek, Anna"])  # the cello's yes and the viola booked directly
        self.get(self.project)
        section = self.section("group-email")
        self.expect("Skickade gruppmejl" not in section.text, "no group email sent yet: no history")
        section.find_element(By.NAME, "subject").send_keys(GROUP_SUBJECT)
        section.find_element(By.NAME, "message").send_keys("Repetitionen på måndag börjar 10.30 i stället för 10.00.")
        self.press("Skicka gruppmejlet", within=section)
        self.expect(self.path() == self.project, "sending the group email should lead back to the project page")
        self.expect(self.flash() == "Gruppmejlet ligger i utkorgen.", f"the page should say where the email went: "
                                                                      f"{self.flash()!r}")
        history = [li.text for li in self.section("group-email").find_elements(By.CSS_SELECTOR, "ul li")]
        self.expect(any(GROUP_SUBJECT in h and f"({len(booked)})" in h for h in history),
                    f"the project's history should list the email to the {len(booked)} booked: {history}")
        self.screen("project-group-email")
        sent = sorted(name for name in booked for text, _ in self.outbox_rows()
                      if GROUP_SUBJECT in text and EMAILS[name] in text and "Gruppmejl" in text)
        self.expect(sent == booked, f"the outbox should hold the group email to each one booked, {booked}: {sent}")
        others = [text for text, _ in self.outbox_rows() if GROUP_SUBJECT in text
                  and not any(EMAILS[name] in text for name in booked)]
        self.expect(not others, f"the group email goes to the booked only: {others}")
        self.fill("Typ", "Gruppmejl")  # the outbox's filter by type: the group emails only
        self.press("Filtrera")
        kinds = self.desk.execute_script("return Array.from(document.querySelectorAll('tbody tr')).filter(r => "
                                         "r.cells.length > 1).map(r => r.cells[1].innerText.trim());")
        self.expect(len(kinds) == len(booked) and all(k.startswith("Gruppmejl") for k in kinds),
                    f"filtered by type, the outbox should show the {len(booked)} group emails only: {kinds}")
        self.screen("outbox-group-email")

    def record_withdrawal(self):
        self.step("the musician booked directly withdraws: record it (it asks first); the need says no one is left to ask")
        self.get(self.needs["direct"])
        row = self.desk.find_element(By.XPATH, "//*[@data-live]//tbody/tr[td[1][contains(normalize-space(), 'Anna Ek') "
                                               "or contains(normalize-space(), 'Ek, Anna')]]")
        question = self.press_confirmed("Lämnade återbud", within=row)
        # The other two violists already said no or did not answer: the question does not promise a next musician.
        self.expect("Ingen är kvar på listan att fråga" in question,
                    f"the withdrawal's question should say no one is left to ask: {question!r}")
        self.expect(self.flash() == "Återbudet är registrerat.", f"the withdrawal should be recorded: {self.flash()!r}")
        self.expect(self.request_status("Ek, Anna")[1].startswith("lämnade återbud"),
                    f"Ek's request should say she withdrew: {self.requests_table()}")
        self.expect_text("0 / 1")
        # The other two violists already said no or did not answer in this project: the preview says no one is
        # left to ask, and why each is passed over, instead of asking nobody in silence.
        self.expect(not [row for row in self.requests_table() if row[1] == "väntar på svar"],
                    f"no one is left on the list to ask: {self.requests_table()}")
        plan = self.desk.find_element(By.CSS_SELECTOR, ".plan").text
        self.expect("Listan har ingen kvar att fråga" in plan and "Hoppas över (3)" in plan,
                    f"the need's preview should say the list has no one left, and pass over all three: {plan!r}")
        self.screen("need-withdrawal")

    def settings_saved(self):
        self.step("settings: change the reminder percentage and save; send a test email to me")
        self.get("/settings")
        before = self.field("reminderPercentage").get_attribute("value")
        new = "60" if before != "60" else "70"
        self.fill("reminderPercentage", new)
        self.press("Spara")
        self.expect(self.path() == "/settings" and self.flash() == "Sparat.",
                    f"saving the settings should say so: {self.flash()!r}")
        self.get("/settings")
        kept = self.field("reminderPercentage").get_attribute("value")
        self.expect(kept == new, f"the reminder percentage should be kept after a reload: {kept}, saved {new} "
                                 f"(was {before})")
        self.screen("settings-saved")
        self.press("Skicka ett testmejl till mig")
        self.expect(re.fullmatch(r"/outbox/\d+", self.path()) is not None, "the test email should open in the outbox")
        self.expect(self.flash().startswith("Testmejlet ligger i utkorgen"), f"the test email's notice: {self.flash()!r}")
        self.expect_text("pm@example.org")
        self.expect_text("Det här är ett testmejl från StageSub")
        self.screen("test-email")
        rows = [text for text, _ in self.outbox_rows() if "StageSub: testmejl" in text and "pm@example.org" in text]
        self.expect(rows, "the outbox should list the test email to the personnel manager")

    def send_whole_project(self):
        self.step("a second project: two needs sent at once from the project's preview; the parallel one then wants two")
        first = self.project
        self.get("/projects/new")
        start = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 120 * 86400))
        self.fill("name", "Julkonsert")
        self.fill("startDate", start)
        self.fill("endDate", start)
        self.press("Spara")
        self.expect(re.fullmatch(r"/projects/\d+", self.path()) is not None, "saving should open the new project's page")
        self.project = self.path()
        try:
            viola = self.add_need(SEQUENTIAL_POSITION, "sequential", 48)
            cello = self.add_need(FIRST_COME_POSITION, "parallel", 48)
            self.get(self.project)
            self.follow("Förhandsgranska och skicka")
            self.screen("project-preview-two-needs")
            self.press("Skicka alla förfrågningar")
            for need in (viola, cello):
                self.get(need)
                self.expect(self.pending_count(), f"sending the whole project should ask for every need: {self.requests_table()}")
            self.get(viola)
            self.expect(self.pending_count() == 1,
                        f"a sequential need asks one violist at a time: {self.requests_table()}")
            # A parallel need keeps as many requests out as musicians are still wanted: raised to two, it asks one more.
            self.get(cello)
            self.expect(self.pending_count() == 1,
                        f"a parallel need for one asks one cellist: {self.requests_table()}")
            self.fill("quantity", "2")
            self.press("Spara", within=self.section("change"))
            self.get(cello)
            self.expect_text("0 / 2")
            self.wait(self.desk, lambda x: self.pending_count() == 2,
                      "a second cellist asked once two are wanted")
            self.screen("need-quantity-raised")
        finally:
            self.project = first  # the rest of the day is about the first project

    def edit_instruments(self):
        self.step("instruments: add one with a position, rename the position, move the instrument up, archive it "
                  "(asked first): a musician's form no longer offers it; restored, it does")
        self.get("/instruments")
        new = self.section("new-instrument")
        new.find_element(By.NAME, "name").send_keys("Luta")
        new.find_element(By.NAME, "nameEn").send_keys("Lute")
        self.press("Lägg till instrument", within=new)

        def lute():
            found = self.desk.find_elements(By.XPATH, "//section[.//h2[starts-with(normalize-space(), 'Luta')]]")
            self.expect(found, "the new instrument should be listed")
            return found[0]
        cards = [h.text for h in self.desk.find_elements(By.CSS_SELECTOR, "section.card h2")]
        self.expect(cards[-1].startswith("Luta"), f"a new instrument comes last in score order: {cards}")
        form = lute().find_element(By.CSS_SELECTOR, "form[action$='/positions']")
        form.find_element(By.NAME, "name").send_keys("Luta 1")
        self.press("Lägg till stämma", within=form)
        row = lute().find_element(By.XPATH, ".//tbody/tr[td[1][normalize-space()='Luta 1']]")
        row.find_element(By.TAG_NAME, "summary").click()
        rename = row.find_element(By.CSS_SELECTOR, "form[action$='/rename']")
        field = rename.find_element(By.NAME, "name")
        field.clear()
        field.send_keys("Solo, Luta")
        self.press("Spara", within=rename)
        positions = [td.text.strip() for td in lute().find_elements(By.CSS_SELECTOR, "tbody td:first-child")]
        self.expect(positions == ["Solo, Luta"], f"the renamed position should be listed: {positions}")
        self.press("Flytta upp: Luta", within=lute())
        cards = [h.text for h in self.desk.find_elements(By.CSS_SELECTOR, "section.card h2")]
        self.expect(len(cards) >= 3 and cards[-2].startswith("Luta"), f"moved up, the lute is last but one: {cards}")
        self.screen("instruments-lute")
        self.press_confirmed("Arkivera", within=lute())
        self.expect("arkiverad" in lute().text, f"the archived instrument should say so: {lute().text[:200]!r}")

        def offered():
            self.get("/musicians/new")
            return "Solo, Luta" in self.text()
        self.expect(not offered(), "a new musician's form should not offer an archived instrument's position")
        self.get("/instruments")
        self.press("Återställ", within=lute())
        self.expect(offered(), "restored, the lute's position should be offered on a musician's form again")
        self.screen("musician-new-with-lute")

    def edit_template(self):
        self.step("edit a message template")
        self.get("/templates")
        self.screen("templates")
        href = self.desk.find_element(By.CSS_SELECTOR, "tbody a[href^='/templates/']").get_attribute("href")
        self.desk.get(href)
        self.loaded(self.desk)
        self.screen("template-edit")
        body = self.field("body")
        new_body = body.get_attribute("value").rstrip() + "\n\nHälsningar från Provorkesterns kansli"
        self.desk.execute_script("arguments[0].value = arguments[1];", body, new_body)
        self.press("Förhandsgranska")
        preview = self.desk.find_element(By.CSS_SELECTOR, "div.message").text
        self.expect("Hälsningar från Provorkesterns kansli" in preview and "{{" not in preview,
                    f"the preview should show the new text with sample data filled in: {preview!r}")
        self.screen("template-preview")
        self.press("Spara")
        self.desk.get(href)
        self.loaded(self.desk)
        self.expect("Hälsningar från Provorkesterns kansli" in self.field("body").get_attribute("value"),
                    "the saved template should keep the new text")

    def add_colleague(self):
        self.step("add a colleague; they log in on the phone")
        self.get("/users")
        self.screen("users")
        self.fill("username", "kollega")
        self.fill("email", "kollega@example.org")
        self.fill("role", "user")
        self.press("Lägg till användare")
        self.expect_text("kollega@example.org")
        secret = self.desk.find_elements(By.CSS_SELECTOR, ".info code")
        self.expect(secret, "adding a user should show their first password once")
        password = self.colleague_password = secret[0].text.strip()
        self.screen("users-added")
        self.phone.get(self.url("/login"))
        self.loaded(self.phone)
        self.fill("Användarnamn eller e-post", "kollega", self.phone)
        self.fill("Lösenord", password, self.phone)
        self.press("Logga in", self.phone)
        self.expect(not self.path(self.phone).startswith("/login"), "the colleague should be able to log in",
                    self.phone)
        self.expect(self.path(self.phone) == "/", "the colleague should land on the dashboard", self.phone)
        self.screen("colleague-dashboard-390", self.phone, no_horizontal_scroll=True)
        nav = [a.get_attribute("textContent").strip() for a in self.phone.find_elements(By.CSS_SELECTOR, "header nav a")]
        self.expect("Musiker" in nav and "Inställningar" not in nav,
                    f"a user (not an admin) should see the staff screens but no settings: {nav}", self.phone)
        header = self.phone.execute_script("return document.querySelector('header.top').getBoundingClientRect().height")
        self.expect(header <= 120, f"the header should leave a phone's screen to the page: {header:.0f} px of it at 390 px wide",
                    self.phone)
        self.get("/users", self.phone)
        self.screen("colleague-users-forbidden-390", self.phone, expect_error="Inte tillåtet")

    def phone_log_in(self, username, password):
        self.phone.delete_all_cookies()
        self.phone.get(self.url("/login"))
        self.loaded(self.phone)
        self.fill("Användarnamn eller e-post", username, self.phone)
        self.fill("Lösenord", password, self.phone)
        self.press("Logga in", self.phone)
        return self.path(self.phone) != "/login"

    def colleague_row(self):
        return self.desk.find_element(By.XPATH, "//tbody/tr[td[normalize-space()='kollega@example.org']]")

    def manage_colleague(self):
        self.step("disable the colleague (logged out at once, no login), enable again, give a new password")
        self.get("/users")
        self.press_confirmed("Stäng av", within=self.colleague_row())
        self.expect(self.flash() == "Sparat." and "avstängd" in self.colleague_row().text,
                    f"the colleague should be listed as disabled: {self.colleague_row().text!r}")
        self.screen("users-disabled")
        self.get("/", self.phone)
        self.expect(self.path(self.phone) == "/login", "a disabled colleague's session should end at once", self.phone)
        self.expect(not self.phone_log_in("kollega", self.colleague_password),
                    "a disabled colleague should not be able to log in", self.phone)
        self.get("/users")
        self.press("Aktivera", within=self.colleague_row())
        self.expect("aktiv" in self.colleague_row().text and "avstängd" not in self.colleague_row().text,
                    f"the colleague should be active again: {self.colleague_row().text!r}")
        self.press_confirmed("Nytt lösenord", within=self.colleague_row())
        shown = self.desk.find_elements(By.CSS_SELECTOR, ".info code")
        self.expect(shown and "kollega" in self.desk.find_element(By.CSS_SELECTOR, ".info").text,
                    "a new password for the colleague should be shown once")
        password = shown[0].text.strip()
        self.screen("users-new-password")
        self.expect(not self.phone_log_in("kollega", self.colleague_password),
                    "the colleague's old password should no longer work", self.phone)
        self.expect(self.phone_log_in("kollega", password) and self.path(self.phone) == "/",
                    "the colleague should log in with the new password", self.phone)
        # Made an admin, the colleague's next page (the same session) offers the settings; made a user again, not.
        self.get("/users")
        self.press("Gör till administratör", within=self.colleague_row())
        role = lambda: self.colleague_row().find_elements(By.TAG_NAME, "td")[2].text.strip()
        self.expect(role() == "administratör", f"the colleague should be listed as an admin: {role()!r}")
        self.get("/settings", self.phone)
        self.expect(self.path(self.phone) == "/settings" and self.phone.find_elements(By.ID, "f-reminderPercentage"),
                    "as an admin the colleague should open the settings", self.phone)
        self.get("/users")
        self.press("Gör till användare", within=self.colleague_row())
        self.expect(role() == "användare", f"the colleague should be a user again: {role()!r}")
        self.screen("users-role-changed")
        self.get("/settings", self.phone)
        self.screen("colleague-settings-forbidden-390", self.phone, expect_error="Inte tillåtet")

    def api_keys(self):
        self.step("create an API key (shown once), call the API with it, revoke it")
        self.get("/api-keys")
        self.fill("Namn på nyckeln", "Lönesystemet")
        self.press("Skapa API-nyckel")
        shown = self.desk.find_elements(By.CSS_SELECTOR, ".info code")
        self.expect(shown and shown[0].text.strip(), "a new key should be shown")
        key = shown[0].text.strip()
        self.screen("api-key-created")
        status, _, body = self.http("/api/v1/orchestra", headers={"Authorization": f"Bearer {key}",
                                                                  "Accept": "application/json"})
        self.expect(status == 200 and ORCHESTRA in body.decode("utf-8", "replace"),
                    f"GET /api/v1/orchestra with the new key should answer 200 with the orchestra: {status} {body[:200]!r}")
        self.get("/api-keys")
        self.expect(key not in self.desk.page_source, "the key is shown once: not on the page again")
        row = self.desk.find_element(By.XPATH, "//tbody/tr[td[normalize-space()='Lönesystemet']]")
        self.expect("aktiv" in row.text, f"the new key should be listed as active: {row.text!r}")
        self.press_confirmed("Återkalla", within=row)
        self.expect(self.flash() == "Återkallad.", f"revoking should say so: {self.flash()!r}")
        row = self.desk.find_element(By.XPATH, "//tbody/tr[td[normalize-space()='Lönesystemet']]")
        self.expect("återkallad" in row.text and not row.find_elements(By.TAG_NAME, "button"),
                    f"the key should be listed as revoked, with nothing left to press: {row.text!r}")
        self.screen("api-key-revoked")
        status, _, _ = self.http("/api/v1/orchestra", headers={"Authorization": f"Bearer {key}",
                                                               "Accept": "application/json"})
        self.expect(status == 401, f"a revoked key should be refused with 401: {status}")

    def webhooks(self):
        self.step("add a webhook endpoint (its signing secret shown once) and remove it")
        url = "https://lon.example.org/stagesub/webhook"
        self.get("/webhooks")
        self.expect_text("Inga webhook-adresser.")
        self.fill("url", url)
        self.fill("description", "Lönesystemet")
        self.press("Lägg till webhook-adress")
        secret = [c.text.strip() for c in self.desk.find_elements(By.CSS_SELECTOR, ".info code")]
        self.expect(secret and secret[0].startswith("whsec_"), f"the new endpoint's secret should be shown: {secret}")
        self.expect(url in [c.text.strip() for c in self.desk.find_elements(By.CSS_SELECTOR, "section h2 code")],
                    f"the endpoint {url} should be listed")
        self.screen("webhook-added")
        self.get("/webhooks")
        self.expect(secret[0] not in self.desk.page_source, "the secret is shown once: not on the page again")
        endpoint = self.desk.find_element(By.XPATH, f"//section[.//h2/code[normalize-space()={xq(url)}]]")
        self.expect("Lönesystemet" in endpoint.text, f"the endpoint should show its description: {endpoint.text!r}")
        self.press_confirmed("Ta bort", within=endpoint)
        self.expect(self.flash() == "Borttagen.", f"removing should say so: {self.flash()!r}")
        self.expect(url not in self.text() and "Inga webhook-adresser." in self.text(), "the endpoint should be gone")
        self.screen("webhook-removed")

    def change_password(self):
        self.step("Mitt konto: log out everywhere else; change the password (a wrong current one refused), every session ends")
        new = "Nytt-" + secrets.token_hex(8)
        # A second session of the same person, on the phone: the change must end it too.
        self.phone.delete_all_cookies()
        self.phone.get(self.url("/login"))
        self.loaded(self.phone)
        self.fill("Användarnamn eller e-post", MANAGER, self.phone)
        self.fill("Lösenord", PASSWORD, self.phone)
        self.press("Logga in", self.phone)
        self.expect(self.path(self.phone) == "/", "the personnel manager should be logged in on the phone too", self.phone)
        self.get("/account")
        self.expect(len(self.desk.find_elements(By.CSS_SELECTOR, "#sessions ~ div tbody tr")) == 2,
                    "Mitt konto should list both sessions, the desk's and the phone's")
        # "Log out everywhere else" ends the phone's session and keeps this one.
        self.press_confirmed("Logga ut överallt utom här")
        self.expect(self.path() == "/account" and self.flash() == "Övriga inloggningar är utloggade.",
                    f"ending the other sessions should say so: {self.flash()!r}")
        self.expect(len(self.desk.find_elements(By.CSS_SELECTOR, "#sessions ~ div tbody tr")) == 1,
                    "only this session should be left on Mitt konto")
        self.screen("account-other-sessions-ended")
        self.get("/", self.phone)
        self.expect(self.path(self.phone) == "/login", "the phone's session should have ended", self.phone)
        self.fill("Användarnamn eller e-post", MANAGER, self.phone)
        self.fill("Lösenord", PASSWORD, self.phone)
        self.press("Logga in", self.phone)
        self.expect(self.path(self.phone) == "/", "the phone logs in again", self.phone)
        self.get("/account")
        self.fill("currentPassword", "Inte-mitt-losenord-1")
        self.fill("newPassword", new)
        self.fill("repeatPassword", new)
        self.press("Byt lösenord")
        error = self.desk.find_elements(By.ID, "e-currentPassword")
        self.expect(error and error[0].text == "Det nuvarande lösenordet stämmer inte.",
                    f"a wrong current password should be refused beside its field: {[e.text for e in error]}")
        self.screen("account-password-refused")
        self.fill("currentPassword", PASSWORD)
        self.fill("newPassword", new)
        self.fill("repeatPassword", new)
        self.press("Byt lösenord")
        self.expect(self.path() == "/login", "after the change the desk should be at the login")
        self.expect(self.flash() == "Lösenordet är bytt. Logga in med det nya.",
                    f"the login should say the password is changed: {self.flash()!r}")
        self.screen("login-password-changed")
        self.get("/", self.phone)
        self.expect(self.path(self.phone) == "/login", "the change should log out the phone's session too", self.phone)
        self.fill("Användarnamn eller e-post", MANAGER)
        self.fill("Lösenord", PASSWORD)
        self.press("Logga in")
        self.expect(self.path() == "/login" and "Fel användarnamn eller lösenord." in self.text(),
                    "the old password should no longer log in")
        self.fill("Användarnamn eller e-post", MANAGER)
        self.fill("Lösenord", new)
        self.press("Logga in")
        self.expect(self.path() == "/", "the new password should log in")

    def other_screens(self):
        self.step("the other staff screens open and pass the page checks")
        for path, name in (("/instruments", "instruments"), ("/musicians/new", "musician-new"),
                           (self.project + "/edit", "project-edit"), ("/projects", "projects"),
                           ("/settings", "settings"), ("/api-keys", "api-keys"), ("/webhooks", "webhooks"),
                           ("/audit", "audit"), ("/account", "account")):
            if self.visit(path, name):
                self.expect(self.path() == path, f"{path} should open for an admin")
        self.get("/projects/987654")
        self.screen("not-found", expect_error="Hittades inte")
        self.get("/")
        self.expect("Kom igång" not in self.text(), "the onboarding checklist should be gone once everything is done")
        self.screen("dashboard-done")
        self.dashboard_on_phone_width("dashboard-done-390")

    def roster_names(self):
        """The names in the musicians table, as shown."""
        return [a.text.strip() for a in self.desk.find_elements(By.CSS_SELECTOR, "table tbody td:first-child a")]

    def search_and_archive(self):
        self.step("search the roster, archive a musician (asked first) and restore her; the audit log tells it")
        self.get("/musicians")
        self.fill("Sök", "Sjö")
        self.press("Filtrera")
        names = self.roster_names()
        self.expect(names == ["Sjö, Eva"], f"searching “Sjö” should find Eva Sjö only: {names}")
        self.screen("musicians-search")
        profile = urllib.parse.urlparse(self.desk.find_element(By.LINK_TEXT, "Sjö, Eva").get_attribute("href")).path
        self.get(profile)
        self.press_confirmed("Arkivera")
        self.expect(self.flash() == "Arkiverad.", f"archiving should say so: {self.flash()!r}")
        self.expect(self.button("Återställ"), "an archived musician's page offers “Återställ”")
        self.screen("musician-archived")
        # Out of the current roster, found under “arkiverad”.
        self.get("/musicians?q=Sj%C3%B6")
        self.expect(self.roster_names() == [], f"an archived musician is not in the current roster: {self.roster_names()}")
        self.get("/musicians?q=Sj%C3%B6&status=archived")
        self.expect(self.roster_names() == ["Sjö, Eva"], f"the archived filter should show Eva Sjö: {self.roster_names()}")
        self.get(profile)
        self.press("Återställ")
        self.expect(self.flash() == "Återställd.", f"restoring should say so: {self.flash()!r}")
        self.get("/musicians?q=Sj%C3%B6")
        self.expect(self.roster_names() == ["Sjö, Eva"], f"restored, Eva Sjö is in the roster again: {self.roster_names()}")
        self.get("/audit")
        text = self.text()
        self.expect("Arkiverade musiker" in text and "Återställde musiker" in text,
                    f"the audit log should tell the archiving and the restoring: {text[:400]!r}")
        self.screen("audit-archive")

    def switch_to_english(self):
        self.step("switch the account to English; every staff screen again, in English")
        self.get("/account")
        self.fill("preferredLanguage", "en")
        self.press("Spara")
        self.get("/")
        self.expect(self.desk.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
                    "after choosing English the page should say lang=en")
        self.expect_text("Dashboard")
        self.expect("Översikt" not in self.text(), "no Swedish navigation left after switching to English")
        self.screen("dashboard-english")
        self.get(self.project)
        self.expect_text("Needs")
        self.screen("project-english")
        # Every Swedish screen of the day again: no interface text of the Swedish pages may be left (headings,
        # labels, buttons, column heads, badges — with å, ä or ö, so words both languages share do not count).
        seen = set()
        for path in [p for p in self.swedish_paths if not p.startswith("/login")]:
            if path in seen or path in (self.project, "/"):
                continue
            seen.add(path)
            self.get(path)
            if self.path() != path:
                continue  # a page that moved on since
            if path in self.post_results and any(h.text.strip() in ERROR_TITLES
                                                 for h in self.desk.find_elements(By.TAG_NAME, "h1")):
                continue  # only ever the answer to a POST (bad input shown again): nothing to GET
            self.screen("en" + re.sub(r"[^a-z0-9]+", "-", path.lower()).rstrip("-"))
            left = [t for t in self.desk.execute_script(INTERFACE_TEXT_JS)
                    if t in self.swedish_texts and re.search(r"[åäöÅÄÖ]", t) and t not in USER_DATA
                    and t not in PLAYS and t not in map(spoken, PLAYS)
                    and " / " not in t]  # "Flöjt / Flute": the instruments page names both on purpose
            if left:
                self.problems.append(f"{path} in English still shows Swedish interface text: {sorted(set(left))}")

    def superadmin(self):
        self.step("log out; the superadmin's screens")
        self.press("Log out")
        self.expect(self.path() == "/login", "logging out should lead to the login page")
        self.get("/")
        self.expect(self.path() == "/login", "after logging out the dashboard needs a login again")
        self.fill("Användarnamn eller e-post", "admin")
        self.fill("Lösenord", PASSWORD)
        self.press("Logga in")
        self.expect(not self.path().startswith("/login"), "the superadmin should be able to log in")
        if self.visit("/admin", "admin-orchestras"):
            self.expect_text(ORCHESTRA)
        for path, name in ((f"/admin/orchestras/{SLUG}", "admin-orchestra"), ("/admin/system", "admin-system"),
                           ("/admin/backups", "admin-backups")):
            self.visit(path, name)

    def close(self):
        for d in (self.desk, self.phone):
            try:
                d.quit()
            except Exception:  # noqa: BLE001
                pass


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """For `Walkthrough.http`: a redirect is an answer to look at (urllib raises it as an HTTPError)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def write_pdf(path, text):
    """A small one-page PDF that a PDF reader opens (objects, cross-reference table, trailer); returns its bytes."""
    stream = f"BT /F1 24 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)
    return bytes(out)


def canon(name):
    """A musician's name as "Last, First", however the page writes it ("Anna Ek" on lists, "Ek, Anna" in tables)."""
    name = " ".join(name.split())
    if "," in name or " " not in name:
        return name
    first, last = name.rsplit(" ", 1)
    return f"{last}, {first}"


def spoken(name):
    """"Ek, Anna" as the lists and the buttons' labels say it: "Anna Ek"."""
    last, first = name.split(", ")
    return f"{first} {last}"


def xq(s):
    """An XPath string literal for any text."""
    if "'" not in s:
        return f"'{s}'"
    if '"' not in s:
        return f'"{s}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in s.split("'")) + ")"


def save_full_page(driver, path):
    """The whole page, not just the window (up to 6,000 px tall), as a PNG."""
    import base64
    try:
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                                 "clip": clip})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    except WebDriverException:
        driver.save_screenshot(path)


def blank_image(path):
    """Why a screenshot is blank, or None."""
    size = os.path.getsize(path)
    if size < 3000:
        return f"{size} bytes"
    if Image is not None:
        with Image.open(path) as img:
            colours = img.convert("RGB").getcolors(maxcolors=1 << 16)
            if colours is not None and len(colours) < 3:
                return f"{len(colours)} colour(s)"
    return None


def main():
    if not os.access(BIN, os.X_OK):
        print(f"walkthrough: no stagesub binary at {BIN} (run swift build first)", file=sys.stderr)
        return 1
    # Only our own files from an earlier run go (the folder may be one CI or a person chose).
    if os.path.isdir(SHOTS):
        for name in os.listdir(SHOTS):
            if re.fullmatch(r"(\d\d-[\w-]+|FAILED-(desktop|phone))\.(png|html)", name):
                os.remove(os.path.join(SHOTS, name))
    started = time.monotonic()
    appliance = Appliance()
    walk = None
    status = 0
    try:
        appliance.start()
        walk = Walkthrough(appliance)
        walk.run()
    except Exception as error:  # noqa: BLE001 — every failure is reported with where it happened
        status = 1
        message = str(error).split("\nStacktrace:")[0]  # chromedriver's native stack says nothing useful
        print(f"\nFAILED in step “{walk.steps[-1] if walk and walk.steps else 'setup'}”: {message}", file=sys.stderr)
        if not isinstance(error, Failure):
            traceback.print_exc(limit=-4)
        if walk:
            for d, name in ((walk.desk, "FAILED-desktop"), (walk.phone, "FAILED-phone")):
                try:
                    os.makedirs(SHOTS, exist_ok=True)
                    d.save_screenshot(os.path.join(SHOTS, f"{name}.png"))
                    with open(os.path.join(SHOTS, f"{name}.html"), "w") as f:
                        f.write(d.page_source)
                except Exception:  # noqa: BLE001
                    pass
    finally:
        if walk:
            walk.close()
        faults = [line for line in appliance.log().splitlines() if "Fatal error" in line or "appliance fault" in line
                  or re.search(r"\] (GET|POST|HEAD) \S+ 5\d\d\s*$", line)]  # a fault, or a request answered 5xx
        appliance_log = appliance.log()
        appliance.stop()
    if walk and walk.problems:
        status = 1
        print(f"\n{len(walk.problems)} page check(s) failed:", file=sys.stderr)
        for problem in walk.problems:
            print("  " + problem, file=sys.stderr)
    if faults:
        status = 1
        print("\nthe server log shows a fault:\n  " + "\n  ".join(faults[:5]), file=sys.stderr)
    if status and appliance_log:
        print("\nlast lines of the server log:\n" + "\n".join(appliance_log.splitlines()[-15:]), file=sys.stderr)
    if walk and walk.missing:
        print("\nscreens this appliance does not have (skipped): " + ", ".join(walk.missing))
    screens = len(walk.screens) if walk else 0
    print(f"\nwalkthrough (page JavaScript {'on' if JAVASCRIPT else 'off'}): {'passed' if status == 0 else 'FAILED'} — "
          f"{len(walk.steps) if walk else 0} steps, "
          f"{screens} screens checked, screenshots in {SHOTS}, {time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
