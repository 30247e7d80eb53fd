"""The course content as data: one YAML file per page in `courses/content/` (the single source of the course text).

`course.yaml` holds the course page; `NN-<slug>.yaml` one module (with its question pool) or, with
`kind: reference`, the references page that follows the modules (no quiz, not counted as a module). Every body block
and every question carries `source:` — where in the seed documents (`/work/shared/seeds/`) its facts are, as
`001:477-485` (several separated by commas). `load_content()` reads and checks the files (`ContentError` lists every
problem); `build_body` / `build_quiz` turn them into StreamField data with stable ids; `export_page` turns a page's
current CMS state back into the same format, so an editor's changes can be reviewed in git.

Ids: a question's id is uuid5(module slug, "question", key), a choice's uuid5(question id, position), a body block's
uuid5(slug, "body", position). A file may give `id:` explicitly; the export writes `id:` only where the CMS id is not
the derived one (a block or question an editor added)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"
ID_NAMESPACE = uuid.UUID(
    "6f1d3c52-6a3e-4a55-9d1b-0c5a7e6b2f10"
)  # fixed: changing it would change every quiz id

BODY_TYPES = {"heading", "text", "key_points", "statistic", "resource", "reflection"}
QUESTION_KINDS = {"knowledge", "situation"}
CITATION_RE = re.compile(r"^(\d{3}):(\d+)(?:-(\d+))?$")
MODULE_KEYS = {
    "number",
    "slug",
    "title",
    "summary",
    "estimated_minutes",
    "pass_mark",
    "questions_per_attempt",
    "body",
    "questions",
    "kind",
}


class ContentError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def stable_id(*parts) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(p) for p in parts)))


def question_id(slug: str, question: dict) -> str:
    return question.get("id") or stable_id(slug, "question", question["key"])


def choice_id(qid: str, index: int, choice: dict) -> str:
    return choice.get("id") or stable_id(qid, index)


def body_block_id(slug: str, index: int, block: dict) -> str:
    return block.get("id") or stable_id(slug, "body", index)


# --- seeds and citations --------------------------------------------------------------------------------------------


def seeds_dir() -> Path:
    from django.conf import settings

    return Path(getattr(settings, "SEEDS_DIR", "/work/shared/seeds"))


_SEED_CACHE: dict[str, list[str]] = {}


def seed_lines(prefix: str) -> list[str] | None:
    """The lines of seed document `prefix` ("001"), or None when there is no such document."""
    if prefix not in _SEED_CACHE:
        matches = sorted(seeds_dir().glob(f"{prefix}_*.txt"))
        if not matches:
            return None
        _SEED_CACHE[prefix] = matches[0].read_text(encoding="utf-8").splitlines()
    return _SEED_CACHE[prefix]


@dataclass(frozen=True)
class Citation:
    document: str
    first: int
    last: int

    def __str__(self) -> str:
        return f"{self.document}:{self.first}" + (f"-{self.last}" if self.last != self.first else "")

    def text(self) -> str:
        lines = seed_lines(self.document) or []
        return "\n".join(lines[self.first - 1 : self.last])


def parse_citations(source) -> tuple[list[Citation], list[str]]:
    """`"001:477-485, 004:211"` → citations, plus the problems found (unknown document, lines out of range…)."""
    problems: list[str] = []
    citations: list[Citation] = []
    if not isinstance(source, str) or not source.strip():
        return [], ["出典（source）がありません"]
    for part in source.split(","):
        part = part.strip()
        match = CITATION_RE.match(part)
        if not match:
            problems.append(f"出典「{part}」の形式が正しくありません（例: 001:477-485）")
            continue
        document, first, last = match.group(1), int(match.group(2)), int(match.group(3) or match.group(2))
        lines = seed_lines(document)
        if lines is None:
            problems.append(f"出典「{part}」: 資料 {document} がありません")
        elif not (1 <= first <= last <= len(lines)):
            problems.append(f"出典「{part}」: 行番号が資料の範囲（1–{len(lines)}）を外れています")
        elif not "".join(lines[first - 1 : last]).strip():
            problems.append(f"出典「{part}」: 指定した行が空です")
        else:
            citations.append(Citation(document, first, last))
    return citations, problems


def _squash(text: str) -> str:
    """For comparing figures with the seeds: no spaces or line breaks, half-width digits and punctuation."""
    text = text.translate(str.maketrans("０１２３４５６７８９．，％", "0123456789.,%"))
    return re.sub(r"\s+", "", text)


# --- loading and checking -------------------------------------------------------------------------------------------


@dataclass
class Content:
    course: dict
    pages: list[dict] = field(default_factory=list)  # modules and the references page, in order

    @property
    def modules(self) -> list[dict]:
        return [p for p in self.pages if p.get("kind", "module") == "module"]

    @property
    def reference_pages(self) -> list[dict]:
        return [p for p in self.pages if p.get("kind") == "reference"]


def _read(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def page_files(directory: Path | None = None) -> list[Path]:
    directory = directory or CONTENT_DIR
    return sorted(p for p in directory.glob("[0-9][0-9]-*.yaml"))


def load_content(directory: Path | None = None, *, check: bool = True) -> Content:
    directory = directory or CONTENT_DIR
    content = Content(
        course=_read(directory / "course.yaml"), pages=[_read(p) for p in page_files(directory)]
    )
    for page, path in zip(content.pages, page_files(directory), strict=True):
        page["_file"] = path.name
    if check:
        problems = check_content(content)
        if problems:
            raise ContentError(problems)
    return content


def _check_block(where: str, block, problems: list[str]) -> None:
    if not isinstance(block, dict):
        problems.append(f"{where}: ブロックの形式が正しくありません")
        return
    kind = block.get("type")
    if kind not in BODY_TYPES:
        problems.append(f"{where}: 未知のブロック種別です: {kind}")
        return
    citations, cite_problems = parse_citations(block.get("source"))
    problems.extend(f"{where}: {p}" for p in cite_problems)
    value = block.get("value")
    if kind in ("heading", "text"):
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: 本文がありません")
    elif kind == "key_points":
        if not (isinstance(value, dict) and value.get("title") and value.get("points")):
            problems.append(f"{where}: ポイントには title と points が必要です")
    elif kind == "reflection":
        if not (isinstance(value, dict) and value.get("prompt")):
            problems.append(f"{where}: ふりかえりには prompt が必要です")
    elif kind == "resource":
        if not (isinstance(value, dict) and value.get("key")):
            problems.append(f"{where}: 相談窓口カードには key が必要です")
    elif kind == "statistic":
        if not isinstance(value, dict) or not all(value.get(k) for k in ("label", "value", "year", "source")):
            problems.append(f"{where}: 統計データには label・value・year・source が必要です")
        elif citations:
            cited = _squash("".join(c.text() for c in citations))
            if _squash(str(value["value"])) not in cited:
                problems.append(f"{where}: 数値「{value['value']}」が出典の行にありません")


def _check_question(where: str, question, problems: list[str]) -> None:
    if not isinstance(question, dict):
        problems.append(f"{where}: 問題の形式が正しくありません")
        return
    for key in ("key", "text", "explanation"):
        if not question.get(key):
            problems.append(f"{where}: {key} がありません")
    if question.get("kind", "knowledge") not in QUESTION_KINDS:
        problems.append(f"{where}: kind は knowledge か situation です")
    _citations, cite_problems = parse_citations(question.get("source"))
    problems.extend(f"{where}: {p}" for p in cite_problems)
    choices = question.get("choices") or []
    if not (3 <= len(choices) <= 6):
        problems.append(f"{where}: 選択肢は3〜6個にしてください")
    if any(not isinstance(c, dict) or not c.get("text") for c in choices):
        problems.append(f"{where}: 選択肢に text がありません")
        return
    texts = [c["text"] for c in choices]
    if len(set(texts)) != len(texts):
        problems.append(f"{where}: 同じ選択肢が2つあります")
    correct = sum(1 for c in choices if c.get("correct"))
    if correct == 0:
        problems.append(f"{where}: 正解の選択肢がありません")
    if question.get("multiple"):
        if correct < 2 or correct == len(choices):
            problems.append(f"{where}: 複数選択の問題は、正解を2つ以上・不正解を1つ以上にしてください")
        if "すべて選んで" not in question.get("text", ""):
            problems.append(f"{where}: 複数選択の問題文には「すべて選んでください」と書いてください")
    elif correct != 1:
        problems.append(f"{where}: 単一選択の問題は正解を1つにしてください")


def check_content(content: Content) -> list[str]:
    """Every problem in the content files, in Japanese (empty when they are sound)."""
    problems: list[str] = []
    course = content.course or {}
    for key in ("title", "intro", "estimated_minutes"):
        if not course.get(key):
            problems.append(f"course.yaml: {key} がありません")
    slugs: set[str] = set()
    for number, page in enumerate(content.pages, start=1):
        name = page.get("_file", f"#{number}")
        unknown = set(page) - MODULE_KEYS - {"_file"}
        if unknown:
            problems.append(f"{name}: 未知の項目があります: {', '.join(sorted(unknown))}")
        for key in ("number", "slug", "title", "summary", "body"):
            if not page.get(key):
                problems.append(f"{name}: {key} がありません")
        if page.get("number") != number:
            problems.append(f"{name}: number は {number} にしてください（ファイル名の順）")
        slug = page.get("slug", "")
        if slug in slugs:
            problems.append(f"{name}: slug「{slug}」が重複しています")
        slugs.add(slug)
        if not name.startswith(f"{number:02d}-{slug}."):
            problems.append(f"{name}: ファイル名は {number:02d}-{slug}.yaml にしてください")
        for index, block in enumerate(page.get("body") or [], start=1):
            _check_block(f"{name} 本文{index}", block, problems)
        kind = page.get("kind", "module")
        questions = page.get("questions") or []
        if kind == "reference":
            if questions:
                problems.append(f"{name}: 参考資料のページに問題は置けません")
            continue
        if kind != "module":
            problems.append(f"{name}: kind は module か reference です")
            continue
        for key in ("estimated_minutes", "pass_mark", "questions_per_attempt"):
            if not isinstance(page.get(key), int) or page[key] <= 0:
                problems.append(f"{name}: {key} は正の整数にしてください")
        keys = [q.get("key") for q in questions if isinstance(q, dict)]
        if len(set(keys)) != len(keys):
            problems.append(f"{name}: 問題の key が重複しています")
        if (
            isinstance(page.get("questions_per_attempt"), int)
            and len(questions) < page["questions_per_attempt"]
        ):
            problems.append(f"{name}: 問題数が1回に出題する数（questions_per_attempt）より少ないです")
        for index, question in enumerate(questions, start=1):
            _check_question(f"{name} 問題{index}", question, problems)
    return problems


# --- building StreamField data --------------------------------------------------------------------------------------


class UnknownResource(Exception):
    pass


def build_body(page: dict, resources: dict[str, int]) -> list[dict]:
    """The page body as StreamField data; resource blocks point at the ConsultationResource snippet with that key."""
    body = []
    for index, block in enumerate(page["body"]):
        kind, value = block["type"], block["value"]
        block_id = body_block_id(page["slug"], index, block)
        if kind == "key_points":
            value = {
                "title": value["title"],
                "points": [
                    {"type": "item", "value": point, "id": stable_id(f"{block_id}/points", n)}
                    for n, point in enumerate(value["points"])
                ],
            }
        elif kind == "statistic":
            value = {k: str(value.get(k) or "") for k in ("label", "value", "unit", "year", "source", "note")}
        elif kind == "resource":
            if value["key"] not in resources:
                raise UnknownResource(value["key"])
            value = {"resource": resources[value["key"]], "note": value.get("note", "")}
        elif kind == "reflection":
            value = {"prompt": value["prompt"]}
        body.append({"type": kind, "value": value, "id": block_id})
    return body


def build_quiz(page: dict) -> list[dict]:
    quiz = []
    for question in page.get("questions") or []:
        qid = question_id(page["slug"], question)
        quiz.append(
            {
                "type": "question",
                "id": qid,
                "value": {
                    "text": question["text"],
                    "multiple": bool(question.get("multiple")),
                    "choices": [
                        {
                            "type": "item",
                            "value": {"text": c["text"], "correct": bool(c.get("correct"))},
                            "id": choice_id(qid, n, c),
                        }
                        for n, c in enumerate(question["choices"])
                    ],
                    "explanation": question["explanation"],
                },
            }
        )
    return quiz


# --- exporting the CMS state ----------------------------------------------------------------------------------------


def _block_value(block) -> object:
    kind, value = block.block_type, block.value
    if kind == "text":
        return value.source
    if kind == "heading":
        return str(value)
    if kind == "key_points":
        return {"title": value["title"], "points": list(value["points"])}
    if kind == "statistic":
        return {k: value[k] for k in ("label", "value", "unit", "year", "source", "note") if value.get(k)}
    if kind == "resource":
        resource = value["resource"]
        out = {"key": resource.key if resource else ""}
        if value.get("note"):
            out["note"] = value["note"]
        return out
    if kind == "reflection":
        return {"prompt": value["prompt"]}
    return block.get_prep_value()["value"]  # image / video: kept as stored


def export_page(page, previous: dict | None = None, *, number: int, kind: str = "module") -> dict:
    """A page's current (CMS) state in the content-file format. Citations, keys and question kinds are carried over
    from `previous` (the file as it was) by id; what an editor added gets `source: ""`, which the schema check then
    reports until someone cites it."""
    previous = previous or {}
    slug = page.slug
    old_blocks = {
        body_block_id(previous.get("slug", slug), i, b): b for i, b in enumerate(previous.get("body") or [])
    }
    old_questions = {question_id(previous.get("slug", slug), q): q for q in previous.get("questions") or []}

    data: dict = {"number": number, "slug": slug, "title": page.title}
    if kind != "module":
        data["kind"] = kind
    data["summary"] = page.summary
    if kind == "module":
        data["estimated_minutes"] = page.estimated_minutes
        data["pass_mark"] = page.pass_mark
        data["questions_per_attempt"] = page.questions_per_attempt
    body = []
    for index, block in enumerate(page.body):
        old = old_blocks.get(block.id, {})
        item = {"type": block.block_type, "value": _block_value(block), "source": old.get("source", "")}
        if block.id != stable_id(slug, "body", index):
            item = {"id": block.id, **item}
        body.append(item)
    data["body"] = body
    if kind == "module":
        questions = []
        for n, block in enumerate((b for b in page.quiz if b.block_type == "question"), start=1):
            old = old_questions.get(block.id, {})
            key = old.get("key") or f"q{n:02d}"
            value = block.value
            item: dict = {"key": key}
            if block.id != stable_id(slug, "question", key):
                item["id"] = block.id
            item["kind"] = old.get("kind", "knowledge")
            item["text"] = value["text"]
            if value["multiple"]:
                item["multiple"] = True
            choices = []
            for c_index, child in enumerate(value["choices"].bound_blocks):
                choice = {"text": child.value["text"]}
                if child.value["correct"]:
                    choice["correct"] = True
                if child.id != stable_id(block.id, c_index):
                    choice = {"id": child.id, **choice}
                choices.append(choice)
            item["choices"] = choices
            item["explanation"] = value["explanation"]
            item["source"] = old.get("source", "")
            questions.append(item)
        data["questions"] = questions
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(data: dict) -> str:
    data = {k: v for k, v in data.items() if not k.startswith("_")}
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
