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


class Server:
    """A yaml-language-server process spoken to over stdio (LSP, Content-Length framing)."""

    def __init__(self, script: str, root: Path) -> None:
        self.proc = subprocess.Popen(
            ["node", script, "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        uri = root.as_uri()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "didChangeConfiguration": {}},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {},
                    },
                },
            },
        )
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

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            message = self.pump(deadline)
            if message and message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result")
        raise TimeoutError(f"no answer to {method} in {TIMEOUT:.0f} s")

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
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except (RuntimeError, TimeoutError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()


CURSOR = "<|>"  # where completion or hover is asked, in the texts below
RULE = MODELINE + "rules:\n  my_rule:\n    doc: A rule.\n    assumption: A test.\n"
SCENARIO = MODELINE + "scenarios:\n  s:\n    doc: A test.\n"
POLICY = MODELINE + "bots:\n  CN:\n    doc: Press.\n    invest: {}\n    policies:\n      - "
COMPLETIONS = [  # (what the guide promises, text with CURSOR, labels that must be offered)
    ("the section names", MODELINE + CURSOR, {"rules", "events", "scenarios", "objectives"}),
    ("`phase:` offers the phases", RULE + "    phase: " + CURSOR, {"market", "indicators"}),
    ("a rule's keys", RULE + "    phase: market\n    " + CURSOR, {"for_each", "when", "effects"}),
    ("a rule's `nation:` offers the nations", RULE + "    nation: " + CURSOR, {"TW", "US"}),
    (
        "`fire:` offers the events",
        RULE + "    effects:\n      - fire: " + CURSOR,
        {"strait_crisis"},
    ),
    (
        "an objective term's `metric:` offers the metrics",
        MODELINE + "objectives:\n  US:\n    terms:\n      - metric: " + CURSOR,
        {"silicon_shield", "us_gdp_index"},
    ),
    ("`objectives:` offers the nations", MODELINE + "objectives:\n  " + CURSOR, {"US", "TW"}),
    (
        "a bot policy's `action:` offers the actions",
        POLICY + "action: " + CURSOR,
        {"military_drills"},
    ),
    (
        "a bot policy's `invest:` offers the lines",
        POLICY + "invest:\n          " + CURSOR,
        {"fabs", "ai"},
    ),
    (
        "a scenario's `nations:` offers the nations",
        SCENARIO + "    nations:\n      " + CURSOR,
        {"US", "TW"},
    ),
    (
        "a scenario nation offers its attributes",
        SCENARIO + "    nations:\n      TW:\n        " + CURSOR,
        {"gdp", "defense"},
    ),
    (
        "a scenario's `parameters:` offers them",
        SCENARIO + "    parameters:\n      " + CURSOR,
        {"shield_floor"},
    ),
]
HOVERS = [  # (key, text with CURSOR, words the hover must show)
    ("`for_each:`", RULE + "    for_" + CURSOR + "each: nations\n", "once per agent of that kind"),
    ("`phase:`", RULE + "    pha" + CURSOR + "se: market\n", "When in the turn it runs"),
    ("`rules:`", MODELINE + "ru" + CURSOR + "les: {}\n", "What happens every turn"),
    (
        "`fire:`",
        RULE + "    effects:\n      - fi" + CURSOR + "re: cable_cut\n",
        "An event to fire now",
    ),
]
GOOD = RULE + "    phase: market\n    effects:\n      - fire: strait_crisis\n"
BAD = [  # (what is wrong, text whose lines ending in "# error" must get an error, and only those)
    (
        "a misspelt phase, an unknown key and a misspelt event",
        RULE + "    phase: markets  # error\n    colour: red  # error\n    effects:\n"
        "      - fire: strait_crises  # error\n",
    ),
    (
        "a wrong type",
        RULE + "    phase: market\n    at_start: maybe  # error\n    effects: 3  # error\n",
    ),
    (
        "a misspelt metric and action",
        MODELINE
        + "objectives:\n  US:\n    doc: Win.\n    terms:\n      - {metric: gdp, weight: 1}  # error\n"
        "bots:\n  US:\n    doc: Win.\n    invest: {fabs: 0.5}\n    policies:\n      - action: drills  # error\n",
    ),
    (
        "an unknown nation and attribute in a scenario",
        SCENARIO
        + "    nations:\n      XX: {gdp: 1}  # error\n      TW:\n        gpd: 1  # error\n",
    ),
]


def where(text: str) -> tuple[str, dict[str, int]]:
    """The text without CURSOR, and CURSOR's LSP position."""
    head, _, tail = text.partition(CURSOR)
    position = {"line": head.count("\n"), "character": len(head.rsplit("\n", 1)[-1])}
    return head + tail, position


def labels(result: Any) -> list[str]:
    items = result.get("items", []) if isinstance(result, dict) else result or []
    return [item["label"] for item in items]


def describe(diags: list[dict[str, Any]] | None) -> str:
    if diags is None:
        return "no publishDiagnostics at all"
    lines = (f"line {d['range']['start']['line'] + 1}: {d['message']!r}" for d in diags)
    return "; ".join(lines) or "none"


def run_checks(server: Server, rules: Path) -> list[tuple[bool, str]]:
    results: list[tuple[bool, str]] = []
    for n, (claim, marked, wanted) in enumerate(COMPLETIONS):
        text, position = where(marked)
        uri = server.open(rules / f"zz_completion_{n}.yaml", text)
        doc = {"textDocument": {"uri": uri}, "position": position}
        got = labels(server.request("textDocument/completion", doc))
        shown = ", ".join(got[:12]) + (", ..." if len(got) > 12 else "")
        missing = ", ".join(sorted(wanted - set(got)))
        note = f" (got {len(got)}: {shown or 'nothing'}{'; missing ' + missing if missing else ''})"
        results.append((not missing, f"completion: {claim}{note}"))

    for n, (key, marked, words) in enumerate(HOVERS):
        text, position = where(marked)
        uri = server.open(rules / f"zz_hover_{n}.yaml", text)
        hover = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})  # fmt: skip
        contents = (hover or {}).get("contents", "")
        shown = contents.get("value", "") if isinstance(contents, dict) else str(contents)
        shown = shown.split("\n\nSource:")[0]  # drop the temporary schema path
        results.append((words in shown, f"hover on {key} shows its description (got {shown!r})"))

    uri = server.open(rules / "zz_good.yaml", GOOD)
    diags = server.wait_diagnostics(uri)
    results.append((diags == [], f"a correct new file gets no diagnostics (got {describe(diags)})"))
    for n, (wrong, text) in enumerate(BAD):
        wanted = {i for i, line in enumerate(text.split("\n")) if line.endswith("# error")}
        uri = server.open(rules / f"zz_bad_{n}.yaml", text)
        diags = server.wait_diagnostics(uri) or []
        got = {d["range"]["start"]["line"] for d in diags if d.get("severity", 1) == 1}
        lines = ", ".join(str(i + 1) for i in sorted(wanted))
        note = f"errors on lines {lines} (got {describe(diags)})"
        results.append((got == wanted, f"diagnostics: {wrong}: {note}"))

    for path in sorted(rules.glob("[!z]*.yaml")):  # the real rule files must all be clean
        uri = server.open(path, path.read_text())
        diags = server.wait_diagnostics(uri, settle=0.5)
        results.append((diags == [], f"rules/{path.name} gets no diagnostics (got {describe(diags)})"))  # fmt: skip
    return results


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
        server = Server(script, project)
        try:
            results = run_checks(server, project / "rules")
        finally:
            server.close()
    for ok, line in results:
        print(("ok: " if ok else "FAILED: ") + line)
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
