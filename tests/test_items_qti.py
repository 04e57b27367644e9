"""casuslab items --format qti: every item validates against the official IMS QTI 2.1 XSD
(tests/data/schemas/qti), the package's manifest validates against IMS CP 1.1 and lists every item, and the response
processing (run here by a small interpreter of the QTI subset we write) scores every
possible response exactly as casuslab does."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from itertools import chain, combinations, permutations

import pytest
import xmlschema

from casuslab import scoring
from casuslab.items.qti import QTI_NS, assessment_item, href, identifier, qti_package
from casuslab.items.source import CLOSED, items_of, load_specs
from test_items_moodle import EXAMPLE, ROOT, SCHEMAS, edge_file

NS = {"q": QTI_NS, "cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}
TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"


@pytest.fixture(scope="module")
def qti_schema():
    # allow="local": the schema's imports are files beside it; nothing is fetched from the network
    return xmlschema.XMLSchema(str((SCHEMAS / "qti" / "imsqti_v2p1p2.xsd").resolve()), allow="local")


@pytest.fixture(scope="module")
def cp_schema():
    return xmlschema.XMLSchema(str((SCHEMAS / "qti" / "imscp_v1p1.xsd").resolve()), allow="local")


def _tag(el: ET.Element) -> str:
    return el.tag.split("}")[-1]


class Processor:
    """Runs an assessmentItem's responseProcessing for one response (the subset casuslab writes)."""

    def __init__(self, item: ET.Element):
        self.item = item
        self.declaration = item.find("q:responseDeclaration", NS)
        self.defaults = {d.get("identifier"): self._typed(d.get("baseType"), d.find("q:defaultValue/q:value", NS).text)
                         for d in item.findall("q:outcomeDeclaration", NS)}

    @staticmethod
    def _typed(base: str, text: str):
        return {"float": float, "integer": int}.get(base, str)(text)

    def correct(self):
        values = [v.text for v in self.declaration.findall("q:correctResponse/q:value", NS)]
        return values[0] if self.declaration.get("cardinality") == "single" else values

    def score(self, response) -> float:
        self.vars = dict(self.defaults, RESPONSE=response)
        processing = self.item.find("q:responseProcessing", NS)
        if processing.get("template") == TEMPLATES + "map_response":
            self.vars["SCORE"] = 0.0 if response is None else self._map(response)
        else:
            assert processing.get("template") is None
            self._rules(processing)
        return self.vars["SCORE"]

    def _map(self, response) -> float:
        mapping = self.declaration.find("q:mapping", NS)
        entries = {e.get("mapKey"): float(e.get("mappedValue")) for e in mapping.findall("q:mapEntry", NS)}
        default = float(mapping.get("defaultValue", "0"))
        values = [response] if isinstance(response, str) else list(dict.fromkeys(response))
        total = sum(entries.get(v, default) for v in values)
        if mapping.get("lowerBound") is not None:
            total = max(total, float(mapping.get("lowerBound")))
        if mapping.get("upperBound") is not None:
            total = min(total, float(mapping.get("upperBound")))
        return total

    def _rules(self, parent: ET.Element) -> None:
        for rule in parent:
            if _tag(rule) == "setOutcomeValue":
                self.vars[rule.get("identifier")] = self._eval(rule[0])
            elif _tag(rule) == "responseCondition":
                for branch in rule:
                    if _tag(branch) == "responseElse" or self._eval(branch[0]):
                        self._rules(branch if _tag(branch) == "responseElse" else list(branch)[1:])
                        break
            else:
                raise AssertionError(f"unexpected rule {_tag(rule)}")

    def _eval(self, el: ET.Element):
        kind, args = _tag(el), list(el)
        if kind == "baseValue":
            return self._typed(el.get("baseType"), el.text)
        if kind == "variable":
            return self.vars[el.get("identifier")]
        if kind == "correct":
            return self.correct()
        values = [self._eval(a) for a in args]
        if kind == "index":
            seq = values[0]
            n = int(el.get("n"))
            return seq[n - 1] if seq is not None and 0 < n <= len(seq) else None
        if any(v is None for v in values):
            return None
        if kind == "match":
            a, b = values
            cardinality = self.declaration.get("cardinality")
            if isinstance(a, list) and cardinality == "multiple":
                return set(a) == set(b)
            return a == b
        if kind == "and":
            return all(values)
        if kind == "gt":
            return values[0] > values[1]
        if kind == "lt":
            return values[0] < values[1]
        if kind == "sum":
            return sum(values)
        raise AssertionError(f"unexpected expression {kind}")


def _responses(item):
    """Every possible response of a closed question (None = unanswered)."""
    q = item.question
    yield None
    if item.kind == "single":
        yield from (o["id"] for o in q["options"])
    elif item.kind == "scale":
        yield from range(q["min"], q["max"] + 1)
    elif item.kind == "multiple":
        ids = [o["id"] for o in q["options"]]
        yield from (list(c) for c in chain.from_iterable(combinations(ids, k) for k in range(len(ids) + 1)))
    else:
        yield from (list(p) for p in permutations([i["id"] for i in q["items"]]))


def _as_qti(item, response):
    if response is None:
        return None
    if item.kind == "scale":
        return f"V_{response}"
    if isinstance(response, list):
        return [f"C_{r}" for r in response]
    return f"C_{response}"


def test_response_processing_scores_every_response_as_casuslab(tmp_path):
    specs = load_specs([EXAMPLE, edge_file(tmp_path), ROOT / "scenarios"])
    checked = set()
    for item in items_of(specs, CLOSED):
        if item.kind == "order" and len(item.question["items"]) > 6:
            continue
        processor = Processor(ET.fromstring(assessment_item(item)))
        for response in _responses(item):
            expected, _ = scoring.score_question(item.question, response)
            got = processor.score(_as_qti(item, response))
            assert scoring.round2(got) == expected, (item.sid, item.qid, response, got)
        checked.add((item.kind, item.question.get("scoring")))
    assert checked >= {("single", None), ("scale", None), ("multiple", "partial"), ("multiple", "all-or-nothing"),
                       ("order", "pairs"), ("order", "exact")}


def test_every_item_validates_and_the_manifest_lists_each(tmp_path, qti_schema, cp_schema):
    specs = load_specs([EXAMPLE, edge_file(tmp_path), ROOT / "scenarios"])
    data, skipped = qti_package(specs)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names[0] == "imsmanifest.xml"
    closed = items_of(specs, CLOSED)
    assert [i.qid for i in skipped] == [i.qid for i in items_of(specs, ("open",))]
    assert sorted(names[1:]) == sorted(href(i) for i in closed) and len(closed) > 80
    cp_schema.validate(archive.read("imsmanifest.xml").decode("utf-8"))   # IMS Content Packaging 1.1
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    resources = manifest.findall("cp:resources/cp:resource", NS)
    assert [(r.get("identifier"), r.get("href"), r.find("cp:file", NS).get("href"), r.get("type")) for r in resources] == [
        (identifier(i), href(i), href(i), "imsqti_item_xmlv2p1") for i in closed]
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=NS) == "QTIv2.1 Package"
    for item in closed:
        text = archive.read(href(item)).decode("utf-8")
        qti_schema.validate(text)
        root = ET.fromstring(text)
        assert root.get("identifier") == identifier(item)
        interaction = "orderInteraction" if item.kind == "order" else "choiceInteraction"
        assert root.find(f"q:itemBody/q:{interaction}", NS) is not None
        if item.kind != "scale":
            assert root.find("q:responseDeclaration/q:correctResponse", NS) is not None


def test_schema_is_really_checked(tmp_path, qti_schema):
    item = items_of(load_specs([edge_file(tmp_path)]), ("single",))[0]
    text = assessment_item(item).decode("utf-8")
    assert qti_schema.is_valid(text)
    for broken in (text.replace('maxChoices="1"', 'maxChoices="een"'),
                   text.replace('identifier="C_1a"', 'identifier="1a"'),          # an identifier may not start with a digit
                   text.replace("<itemBody>", "<itemBody><script>x</script>")):
        assert broken != text and not qti_schema.is_valid(broken)


def test_texts_are_escaped_and_the_package_is_deterministic(tmp_path):
    specs = load_specs([edge_file(tmp_path)])
    first, _ = qti_package(specs)
    second, _ = qti_package(load_specs([edge_file(tmp_path)]))
    assert first == second
    item = items_of(specs, ("single",))[0]
    text = zipfile.ZipFile(io.BytesIO(first)).read(href(item)).decode("utf-8")
    assert "<script" not in text and "&lt;script&gt;alert(1)" in text
    assert "<img" not in text and "target=" not in text
    assert 'identifier="C_1a"' in text and 'xml:lang="nl"' in text
