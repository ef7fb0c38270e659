"""Check that the YAML language server really completes, explains and checks rule files.

rules/README.md ("`schema` — completion and checking in your editor") promises that an
editor running Red Hat's yaml-language-server (VS Code's YAML extension, Neovim's yamlls,
...) completes ids, shows descriptions on hover and underlines mistakes in rule files,
through `rules/schema.json` and each file's modeline. This script asks the real language
server, on a temporary copy of rules/ (nothing in the repository changes):

    cd /tmp/yls && npm install yaml-language-server      # once
    python .ci/editor_check.py [PATH_TO_yaml-language-server]

The path defaults to $YLS, then to /tmp/yls/node_modules/yaml-language-server/bin/
yaml-language-server. It prints one line per check, "ok: ..." or "FAILED: ..." with what
came back, and exits 1 if any check failed.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_YLS = "/tmp/yls/node_modules/yaml-language-server/bin/yaml-language-server"
SETTINGS = {"yaml": {"validate": True, "hover": True, "completion": True}}
MODELINE = "# yaml-language-server: $schema=schema.json\n"
TIMEOUT = 20.0  # seconds for any one answer
CAPABILITIES = {
    "workspace": {"configuration": True, "didChangeConfiguration": {}},
    "textDocument": {"completion": {}, "hover": {"contentFormat": ["markdown"]}},
}


class Server:
    """A yaml-language-server process spoken to over stdio (LSP, Content-Length framing)."""

    def __init__(self, script: str) -> None:
        command = ["node", script, "--stdio"]
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def initialize(self, root: Path) -> None:
        uri, folders = root.as_uri(), [{"uri": root.as_uri(), "name": root.name}]
        init = {"processId": os.getpid(), "rootUri": uri, "workspaceFolders": folders}
        self.request("initialize", {**init, "capabilities": CAPABILITIES})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if not line:
                self.inbox.put(None)  # the server has gone
                return
            self.inbox.put(json.loads(out.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def pump(self, until: float) -> dict[str, Any] | None:
        """Handle one message from the server (waiting at most until `until`); return it."""
        try:
            message = self.inbox.get(timeout=max(0.0, until - time.monotonic()))
        except queue.Empty:
            return None
        if message is None:
            raise RuntimeError("the language server exited")
        method = message.get("method")
        if method and "id" in message:  # a request from the server: answer it
            result: Any = None
            if method == "workspace/configuration":
                items = message["params"]["items"]
                result = [SETTINGS.get(item.get("section", ""), {}) for item in items]
            self._send({"id": message["id"], "result": result})
        elif method == "textDocument/publishDiagnostics":
            self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
        return message

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.pump(deadline)
            if message and message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result")
        raise TimeoutError(f"no answer to {method} in {timeout:.0f} s")

    def open(self, path: Path, text: str) -> str:
        path.write_text(text)
        uri = path.as_uri()
        self.diagnostics.pop(uri, None)
        doc = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": doc})
        return uri

    def wait_diagnostics(self, uri: str, settle: float = 1.5) -> list[dict[str, Any]] | None:
        """The last diagnostics published for `uri`, once none have come for `settle` s."""
        deadline = time.monotonic() + TIMEOUT
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            message = self.pump(min(deadline, time.monotonic() + 0.2))
            if message and message.get("method") == "textDocument/publishDiagnostics":
                quiet_since = time.monotonic()
            elif uri in self.diagnostics and time.monotonic() - quiet_since > settle:
                return self.diagnostics[uri]
        return self.diagnostics.get(uri)

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except (RuntimeError, TimeoutError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()


CURSOR = "<|>"  # where completion or hover is asked, in the texts below
RULE = MODELINE + "rules:\n  my_rule:\n    doc: A rule.\n    assumption: A test.\n"
SCENARIO = MODELINE + "scenarios:\n  s:\n    doc: A test.\n"
POLICY = MODELINE + "bots:\n  CN:\n    doc: Press.\n    invest: {}\n    policies:\n      - "
# fmt: off
COMPLETIONS = [  # (what the guide promises, text with CURSOR, labels that must be offered)
    ("the section names", MODELINE + CURSOR, {"rules", "events", "scenarios", "objectives"}),
    ("`phase:` offers the phases", RULE + "    phase: " + CURSOR, {"market", "indicators"}),
    ("a rule's keys", RULE + "    phase: market\n    " + CURSOR, {"for_each", "when", "effects"}),
    ("a rule's `nation:` offers the nations", RULE + "    nation: " + CURSOR, {"TW", "US"}),
    ("`fire:` offers the events", RULE + "    effects:\n      - fire: " + CURSOR, {"strait_crisis"}),
    ("an objective term's `metric:` offers the metrics",
     MODELINE + "objectives:\n  US:\n    terms:\n      - metric: " + CURSOR, {"silicon_shield"}),
    ("`objectives:` offers the nations", MODELINE + "objectives:\n  " + CURSOR, {"US", "TW"}),
    ("a bot policy's `action:` offers the actions", POLICY + "action: " + CURSOR, {"military_drills"}),
    ("a bot policy's `invest:` offers the lines", POLICY + "invest:\n          " + CURSOR, {"fabs"}),
    ("a scenario's `nations:` offers the nations", SCENARIO + "    nations:\n      " + CURSOR, {"TW"}),
    ("a scenario's nation offers its attributes",
     SCENARIO + "    nations:\n      TW:\n        " + CURSOR, {"gdp", "defense"}),
    ("a metric's keys inside '{...}' once a letter is typed",
     MODELINE + "metrics:\n  m: {doc: A test., e" + CURSOR + "}\n", {"expr"}),
    ("a scenario's `parameters:` offers the parameters",
     SCENARIO + "    parameters:\n      " + CURSOR, {"shield_floor"}),
]
HOVERS = [  # (key, text with CURSOR, words the hover must show)
    ("`rules:`", MODELINE + "ru" + CURSOR + "les: {}\n", "What happens every turn"),
    ("`phase:`", RULE + "    pha" + CURSOR + "se: market\n", "When in the turn it runs"),
    ("`for_each:`", RULE + "    for_" + CURSOR + "each: nations\n", "once per agent of that kind"),
    ("`fire:`", RULE + "    effects:\n      - fi" + CURSOR + "re: cable_cut\n", "An event to fire"),
    ("`when:` (an expression)", RULE + "    wh" + CURSOR + "en: world.strait_tension > 0.5\n", "the rule skips the agents"),
    ("`value:` in an effect", RULE + "    effects:\n      - add: world.x\n        val" + CURSOR + "ue: 1\n", "Expression"),
    ("`add:` in an effect", RULE + "    effects:\n      - ad" + CURSOR + "d: world.x\n        value: 1\n", "The attribute to add"),
    ("`gdp:` in a scenario's nation (an id key)",
     SCENARIO + "    nations:\n      TW:\n        gd" + CURSOR + "p: 1\n", "$ trillion a year"),
]
GOOD = RULE + "    phase: market\n    effects:\n      - fire: strait_crisis\n"
BAD = [  # (what is wrong, text whose lines ending in "# error" must get an error, and only those)
    ("a misspelt phase, an unknown key and a misspelt event",
     RULE + "    phase: markets  # error\n    colour: red  # error\n    effects:\n"
     "      - fire: strait_crises  # error\n"),
    ("wrong types", RULE + "    phase: market\n    at_start: maybe  # error\n    effects: 3  # error\n"),
    ("a misspelt metric and action",
     MODELINE + "objectives:\n  US:\n    doc: Win.\n    terms:\n      - {metric: gdp, weight: 1}  # error\n"
     "bots:\n  US:\n    doc: Win.\n    invest: {}\n    policies:\n      - action: drills  # error\n"),
    ("an unknown nation and attribute in a scenario",
     SCENARIO + "    nations:\n      XX: {gdp: 1}  # error\n      TW:\n        gpd: 1  # error\n"),
]
# fmt: on


def where(text: str) -> tuple[str, dict[str, int]]:
    """The text without CURSOR, and CURSOR's LSP position."""
    head, _, tail = text.partition(CURSOR)
    position = {"line": head.count("\n"), "character": len(head.rsplit("\n", 1)[-1])}
    return head + tail, position


def describe(diags: list[dict[str, Any]] | None) -> str:
    if diags is None:
        return "no publishDiagnostics at all"
    lines = (f"line {d['range']['start']['line'] + 1}: {d['message'][:90]!r}" for d in diags)
    return "; ".join(lines) or "none"


Result = tuple[bool, str]  # passed, and what came back


def completion(server: Server, uri: str, text: str, at: dict[str, int], want: Any) -> Result:
    doc = {"textDocument": {"uri": uri}, "position": at}
    result = server.request("textDocument/completion", doc) or []
    got = [item["label"] for item in (result["items"] if isinstance(result, dict) else result)]
    missing = ", ".join(sorted(want - set(got)))
    shown = ", ".join(got[:12]) + (", ..." if len(got) > 12 else "")
    return not missing, f"{'missing ' + missing + '; ' if missing else ''}got {len(got)}: {shown}"


def hover(server: Server, uri: str, text: str, at: dict[str, int], want: Any) -> Result:
    doc = {"textDocument": {"uri": uri}, "position": at}
    contents = (server.request("textDocument/hover", doc) or {}).get("contents", "")
    shown = contents.get("value", "") if isinstance(contents, dict) else str(contents)
    shown = shown.split("\n\nSource:")[0]  # drop the link to the temporary schema
    return want in shown, f"got {shown!r}"


def diagnostics(server: Server, uri: str, text: str, at: dict[str, int], want: Any) -> Result:
    wanted = {i for i, line in enumerate(text.split("\n")) if line.endswith("# error")}
    diags = server.wait_diagnostics(uri)
    got = {d["range"]["start"]["line"] for d in diags or [] if d.get("severity", 1) == 1}
    lines = ", ".join(str(i + 1) for i in sorted(wanted)) or "none"
    return got == wanted and diags is not None, f"errors wanted on lines {lines}; got {describe(diags)}"  # fmt: skip


def run_checks(server: Server, rules: Path) -> bool:
    """Run every check, print a line for each, and tell whether all passed."""
    checks = [(f"completion: {claim}", completion, text, want) for claim, text, want in COMPLETIONS]  # fmt: skip
    checks += [(f"hover on {key} shows what it means", hover, text, want) for key, text, want in HOVERS]  # fmt: skip
    checks += [("diagnostics: a correct new file gets none", diagnostics, GOOD, None)]
    checks += [(f"diagnostics: {wrong}", diagnostics, text, None) for wrong, text in BAD]
    passed = True
    for n, (name, check, marked, want) in enumerate(checks):
        text, at = where(marked)
        try:
            uri = server.open(rules / f"zz_check_{n}.yaml", text)
            ok, note = check(server, uri, text, at, want)
        except (RuntimeError, TimeoutError, OSError) as error:
            ok, note = False, str(error)
        passed &= ok
        print(f"{'ok' if ok else 'FAILED'}: {name} ({note})", flush=True)

    dirty = []  # the real rule files must all be clean
    files = sorted(p for p in rules.glob("*.yaml") if not p.name.startswith("zz_check_"))
    for path in files:
        diags = server.wait_diagnostics(server.open(path, path.read_text()), settle=0.5)
        if diags != []:
            dirty.append(f"{path.name}: {describe(diags)}")
    print(f"{'FAILED' if dirty else 'ok'}: diagnostics: the {len(files)} files of rules/ get none ({'; '.join(dirty) or 'none'})")  # fmt: skip
    return passed and not dirty


def main() -> int:
    script = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("YLS", DEFAULT_YLS)
    if not Path(script).is_file():
        print(f"No yaml-language-server at {script}. Install it with\n  mkdir -p /tmp/yls && cd /tmp/yls && npm install yaml-language-server\nor pass its path (node_modules/yaml-language-server/bin/yaml-language-server) as the argument or in $YLS.", file=sys.stderr)  # fmt: skip
        return 2
    if shutil.which("node") is None:
        print("`node` is not on PATH: yaml-language-server needs Node.js.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / ROOT.name
        shutil.copytree(ROOT / "rules", project / "rules")
        server = Server(script)
        try:
            server.initialize(project)
            passed = run_checks(server, project / "rules")
        except (RuntimeError, TimeoutError, OSError) as error:
            print(f"FAILED: talking to the language server: {error}")
            passed = False
        finally:
            server.close()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
