"""Wrap the Japanese text of Django templates in gettext, mechanically and only where it is safe (issue 19).

    .venv/bin/python scripts/i18n_wrap_templates.py [--check] FILE...

- A run of text between HTML tags / template tags that holds Japanese becomes {% translate "…" %}; a run with
  variables becomes {% blocktranslate trimmed %} (.html) or {% blocktranslate %} on its line (.txt, whose line
  breaks are the e-mail's), every {{ expression }} that is not a plain name given a name with `with`.
- Attribute values people read (alt, title, aria-label, placeholder, content, label) are wrapped the same way.
- String literals people read in tag arguments become _("…"): {% include … with title="…" %}, {% with %} and
  |default:"…". Other literals stay ({% if x == "…" %} must keep comparing the same value).
- Left as they are (and listed): text with an HTML entity or, in .txt, with & < > " ' (the tags escape their output,
  literal text is not), text inside <script>, <style>, <pre>, <textarea>, comments, {% verbatim %} and existing
  {% blocktranslate %}.
- {% load i18n %} is added on the first line (after {% extends %} when there is one), without adding a line.
Run `manage.py update_catalogue` afterwards and read the diff."""

from __future__ import annotations

import re
import sys
from pathlib import Path

JAPANESE_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
JAPANESE_ANY = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff01-\uff5e]")
TOKEN = re.compile(
    r"(\{#.*?#\}"  # template comment
    r"|\{%.*?%\}"  # template tag
    r"|\{\{.*?\}\}"  # variable
    r"|<!--.*?-->"  # HTML comment
    r"|<[a-zA-Z/!](?:[^>{]|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{)*>)",  # HTML tag (may hold template tokens)
    re.S,
)
RAW_ELEMENTS = ("script", "style", "pre", "textarea")
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "content", "label")
ATTRIBUTE = re.compile(r'(\s(?:' + "|".join(READ_ATTRIBUTES) + r')=")([^"]*)(")')
SIMPLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Wrapper:
    def __init__(self, path: Path):
        self.path = path
        self.txt = path.suffix == ".txt"
        self.left: list[str] = []
        self.changed = 0

    # --- one run of text (with variables) ------------------------------------------------------------------------
    def _safe_text(self, text: str) -> bool:
        if "&" in text:
            return False
        if self.txt and re.search(r"[<>\"']", text):
            return False
        return True

    def wrap_run(self, parts: list[str], in_attribute: bool = False) -> str:
        """parts: text and {{ }} tokens. Returns the wrapped source (or the original)."""
        source = "".join(parts)
        texts = "".join(p for p in parts if not p.startswith("{{"))
        if not JAPANESE_WORD.search(texts):
            return source
        if not self._safe_text(texts) or "{%" in texts or "%}" in texts or "{{" in texts:
            self.left.append(source.strip())
            return source
        lead = re.match(r"^\s*", source).group(0)
        trail = re.search(r"\s*$", source).group(0)
        body = source[len(lead):len(source) - len(trail)] if trail else source[len(lead):]
        if "\n" in body and self.txt:
            return "\n".join(self.wrap_run(_split_variables(line)) for line in source.split("\n"))
        if "\n" in body:  # one line: no space between Japanese characters (where the browser shows none either)
            body = re.sub(r"(.)\s*\n\s*(.)", lambda m: m.group(1) + ("" if JAPANESE_ANY.match(m.group(1)) and
                          JAPANESE_ANY.match(m.group(2)) else " ") + m.group(2), body)
        variables = [p for p in _split_variables(body) if p.startswith("{{")]
        if not variables and "%" not in body and "\n" not in body:  # a tag cannot span lines
            if '"' in body and "'" in body:
                self.left.append(body)
                return source
            quote = "'" if '"' in body else '"'
            self.changed += 1
            return f"{lead}{{% translate {quote}{body}{quote} %}}{trail}"
        names: dict[str, str] = {}
        used = {v[2:-2].strip() for v in variables if SIMPLE_NAME.match(v[2:-2].strip())}
        out = []
        for part in _split_variables(body):
            if not part.startswith("{{"):
                out.append(part)
                continue
            expression = part[2:-2].strip()
            if SIMPLE_NAME.match(expression):
                used.add(expression)
                out.append("{{ " + expression + " }}")
                continue
            if expression not in names:
                base = re.sub(r"\W", "_", re.split(r"[|:]", expression)[0].split(".")[-1]) or "value"
                if base[0].isdigit():
                    base = "value"
                name, n = base, 2
                while name in used or name in names.values():
                    name, n = f"{base}{n}", n + 1
                names[expression] = name
            out.append("{{ " + names[expression] + " }}")
        used |= set(names.values())
        arguments = " ".join(f"{name}={expression}" for expression, name in names.items())
        options = ("with " + arguments + " " if arguments else "") + ("" if self.txt or in_attribute else "trimmed ")
        self.changed += 1
        opening = f"{{% blocktranslate {options.strip()} %}}" if options.strip() else "{% blocktranslate %}"
        return f"{lead}{opening}{''.join(out)}{{% endblocktranslate %}}{trail}"

    # --- attributes of one HTML tag ------------------------------------------------------------------------------------
    def wrap_attributes(self, tag: str) -> str:
        result = []
        last = 0
        for match in ATTRIBUTE.finditer(tag):
            result.append(tag[last:match.start()])
            value = match.group(2)
            if JAPANESE_WORD.search(value) and "{%" not in value and "{#" not in value:
                wrapped = self.wrap_run(_split_variables(value), in_attribute=True)
                result.append(match.group(1) + wrapped + match.group(3))
            else:
                if JAPANESE_WORD.search(value):
                    self.left.append(match.group(0).strip())
                result.append(match.group(0))
            last = match.end()
        result.append(tag[last:])
        return "".join(result)

    # --- string literals people read in tag arguments: {% include … with title="…" %}, |default:"…" -----------------
    def wrap_literals(self, token: str) -> str:
        def replace(match):
            if not JAPANESE_WORD.search(match.group(2)):
                return match.group(0)
            self.changed += 1
            return f'{match.group(1)}_("{match.group(2)}")'

        token = re.sub(r'(\|default:)"([^"]*)"', replace, token)
        if token.startswith("{%"):
            token = re.sub(r'(\s\w+=)"([^"]*)"', replace, token)
        return token

    # --- the whole template ------------------------------------------------------------------------------------------
    def wrap(self, source: str) -> str:
        tokens = TOKEN.split(source)
        out: list[str] = []
        run: list[str] = []
        raw: str | None = None  # inside <script> etc.
        skip_until: str | None = None  # inside {% comment %}, {% verbatim %}, {% blocktranslate %}

        def flush():
            if run:
                out.append(self.wrap_run(run) if raw is None and skip_until is None else "".join(run))
                run.clear()

        for token in tokens:
            if not token:
                continue
            if skip_until is not None:
                out.append(token)
                if token.startswith("{%") and re.match(r"\{%-?\s*" + skip_until + r"\b", token):
                    skip_until = None
                continue
            if token.startswith("{{"):
                run.append(self.wrap_literals(token) if raw is None else token)
                continue
            if token.startswith("{%") or token.startswith("{#") or token.startswith("<!--"):
                flush()
                if re.match(r"\{%-?\s*(include|with)\b", token) and raw is None:
                    token = self.wrap_literals(token)
                out.append(token)
                name = re.match(r"\{%-?\s*(\w+)", token)
                if name and name.group(1) in ("comment", "verbatim", "blocktranslate", "blocktrans"):
                    skip_until = {"comment": "endcomment", "verbatim": "endverbatim"}.get(
                        name.group(1), "endblocktrans(?:late)?")
                continue
            if token.startswith("<") and TOKEN.fullmatch(token):
                flush()
                element = re.match(r"<(/?)([a-zA-Z0-9]+)", token)
                if raw is not None:
                    if element and element.group(1) == "/" and element.group(2).lower() == raw:
                        raw = None
                    out.append(token)
                    continue
                if element and not element.group(1) and element.group(2).lower() in RAW_ELEMENTS:
                    raw = element.group(2).lower()
                    if JAPANESE_WORD.search(token):
                        out.append(self.wrap_attributes(token))
                    else:
                        out.append(token)
                    continue
                out.append(self.wrap_attributes(token) if JAPANESE_WORD.search(token) else token)
                continue
            run.append(token)
        flush()
        result = "".join(out)
        if self.changed and not re.search(r"\{%\s*load\s[^%]*\bi18n\b", result):
            extends = re.match(r"\s*\{%\s*extends\s[^%]*%\}", result)
            if extends:
                result = result[:extends.end()] + "{% load i18n %}" + result[extends.end():]
            else:
                result = "{% load i18n %}" + result
        return result


def _split_variables(text: str) -> list[str]:
    return [p for p in re.split(r"(\{\{.*?\}\})", text, flags=re.S) if p]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    files = [Path(a) for a in argv if not a.startswith("--")]
    total = 0
    for path in files:
        wrapper = Wrapper(path)
        source = path.read_text(encoding="utf-8")
        result = wrapper.wrap(source)
        total += wrapper.changed
        if wrapper.left:
            for text in wrapper.left:
                print(f"{path}: left as is: {text[:100]!r}")
        if result != source and not check:
            path.write_text(result, encoding="utf-8")
        if wrapper.changed:
            print(f"{path}: {wrapper.changed} wrapped")
    print(f"{total} strings wrapped in {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
