"""Closed questions as IMS QTI 2.1 items, packaged as an IMS content package (a zip).

One ``assessmentItem`` per closed question (``single``, ``multiple``, ``order``, ``scale``;
``open`` questions are left out: QTI has no rubric), in ``items/<scenario>/<question>.xml``,
and ``imsmanifest.xml`` with one ``imsqti_item_xmlv2p1`` resource per item. ``SCORE`` is in
the question's points, exactly as casuslab scores it:

- ``single``: ``choiceInteraction`` (maxChoices 1), the right option as ``correctResponse``,
  a mapping right option -> points, response processing template ``map_response``.
- ``multiple`` partial: ``choiceInteraction`` (maxChoices 0), every right option ``points/n``,
  every wrong one ``-points/n``, mapping bounded to ``[0, points]``, template ``map_response``
  (= ``points * max(0, right - wrong) / n``). ``all-or-nothing``: points when the response
  matches ``correctResponse`` exactly, else 0 (the body of template ``match_correct``, with
  the points instead of 1).
- ``order``: ``orderInteraction`` (shuffled), the items' right order as ``correctResponse``.
  ``exact``: as all-or-nothing. ``pairs``: the response processing finds each item's position
  (outcome ``P_<item>``) and adds ``points / pairs`` for every pair in the right relative order.
- ``scale``: a ``choiceInteraction`` over the values ``min..max`` (with their labels), every
  accepted value mapped to the points (no ``correctResponse``: a single response can name
  only one value, and a scale may accept several).

Identifiers: items ``Q_<scenario>_<question>``, choices ``C_<option>``, scale values ``V_<n>``
(casuslab ids are slugs, which may start with a digit; QTI identifiers may not). Texts are
the same safe HTML as elsewhere, re-parsed as XML into QTI's XHTML subset.
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile
from itertools import combinations

from casuslab.items.source import CLOSED, Item, items_of

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TEMPLATE = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so two exports are byte-identical

# HTML that markdown-it writes and QTI's content model lacks: renamed; attributes QTI lacks: dropped
RENAME = {"s": "span", "del": "span"}
DROP = {"target", "rel", "style"}


def identifier(item: Item) -> str:
    return f"Q_{item.sid}_{item.qid}"


def href(item: Item) -> str:
    return f"items/{item.sid}/{item.qid}.xml"


def _num(value: float) -> str:
    """A float for QTI: 2 -> '2', 2/3 -> '0.6666666667'."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _html(parent: ET.Element, fragment: str) -> None:
    """Append an HTML fragment (XHTML as markdown-it writes it) as QTI body content, text included."""
    wrapper = ET.fromstring(f"<div>{fragment}</div>")
    for el in wrapper.iter():
        el.tag = RENAME.get(el.tag, el.tag)
        for name in [n for n in el.attrib if n in DROP]:
            del el.attrib[name]
    if wrapper.text:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + wrapper.text
        else:
            parent.text = (parent.text or "") + wrapper.text
    parent.extend(list(wrapper))


STRUCTURE = {"assessmentItem", "responseDeclaration", "correctResponse", "mapping", "outcomeDeclaration",
             "defaultValue", "itemBody", "choiceInteraction", "orderInteraction", "prompt", "simpleChoice",
             "responseProcessing", "responseCondition", "responseIf", "responseElse", "match", "index",
             "setOutcomeValue", "and", "gt", "lt", "sum", "manifest", "metadata", "resources", "resource"}


def _indent(el: ET.Element, depth: int = 0) -> None:
    """Indent the QTI structure; HTML inside (mixed content, inline markup) is left exactly as it is."""
    mixed = (el.text or "").strip() or any((child.tail or "").strip() for child in el)
    if el.tag not in STRUCTURE or not len(el) or mixed:
        return
    pad = "\n" + "  " * (depth + 1)
    el.text = pad
    for child in el:
        _indent(child, depth + 1)
        child.tail = pad
    el[-1].tail = "\n" + "  " * depth


def _outcome(root: ET.Element, name: str, base: str, default: str) -> None:
    decl = _sub(root, "outcomeDeclaration", identifier=name, cardinality="single", baseType=base)
    _sub(_sub(decl, "defaultValue"), "value", default)


def _value(parent: ET.Element, base: str, value: str) -> ET.Element:
    return _sub(parent, "baseValue", value, baseType=base)


def _set(parent: ET.Element, name: str, expression: ET.Element) -> None:
    _sub(parent, "setOutcomeValue", identifier=name).append(expression)


def _base(base: str, value: str) -> ET.Element:
    el = ET.Element("baseValue", {"baseType": base})
    el.text = value
    return el


def _choices(item: Item) -> list[tuple[str, str, bool]]:
    """(identifier, HTML, right?) per choice of a choice or scale question."""
    from casuslab.student.markup import inline, markdown

    q = item.question
    if item.kind == "scale":
        lo, hi = q["accept"]
        labels = q.get("labels") or {}
        return [(f"V_{v}", f"<p>{v}" + (f" \u2013 {inline(labels[str(v)])}" if str(v) in labels else "") + "</p>",
                 lo <= v <= hi) for v in range(q["min"], q["max"] + 1)]
    return [(f"C_{o['id']}", markdown(o["text"]), bool(o.get("correct"))) for o in q["options"]]


def _declare(root: ET.Element, item: Item) -> None:
    q, points = item.question, item.points
    if item.kind == "order":
        decl = _sub(root, "responseDeclaration", identifier="RESPONSE", cardinality="ordered", baseType="identifier")
        correct = _sub(decl, "correctResponse")
        for entry in q["items"]:
            _sub(correct, "value", f"C_{entry['id']}")
        return
    choices = _choices(item)
    single = item.kind in ("single", "scale")
    decl = _sub(root, "responseDeclaration", identifier="RESPONSE", cardinality="single" if single else "multiple",
                baseType="identifier")
    if item.kind != "scale":
        correct = _sub(decl, "correctResponse")
        for ident, _, right in choices:
            if right:
                _sub(correct, "value", ident)
    if item.kind == "multiple" and q.get("scoring", "partial") == "all-or-nothing":
        return
    if item.kind == "multiple":
        n = sum(1 for _, _, right in choices if right)
        mapping = _sub(decl, "mapping", lowerBound="0", upperBound=_num(points), defaultValue="0")
        for ident, _, right in choices:
            _sub(mapping, "mapEntry", mapKey=ident, mappedValue=_num(points / n if right else -points / n))
    else:
        mapping = _sub(decl, "mapping", defaultValue="0")
        for ident, _, right in choices:
            if right:
                _sub(mapping, "mapEntry", mapKey=ident, mappedValue=_num(points))


def _body(root: ET.Element, item: Item) -> None:
    from casuslab.student.markup import markdown

    body = _sub(root, "itemBody")
    prompt = item.prompt_html()
    _html(body, item.context_html(with_prompt=False))  # setting and vignette; the prompt goes in the interaction
    if item.kind == "order":
        interaction = _sub(body, "orderInteraction", responseIdentifier="RESPONSE", shuffle="true")
        _html(_sub(interaction, "prompt"), prompt)
        for entry in item.question["items"]:
            _html(_sub(interaction, "simpleChoice", identifier=f"C_{entry['id']}"), markdown(entry["text"]))
        return
    single = item.kind in ("single", "scale")
    interaction = _sub(body, "choiceInteraction", responseIdentifier="RESPONSE",
                       shuffle="false" if item.kind == "scale" else "true", maxChoices="1" if single else "0")
    _html(_sub(interaction, "prompt"), prompt)
    for ident, text, _ in _choices(item):
        choice = _sub(interaction, "simpleChoice", identifier=ident)
        _html(choice, text)


def _match_correct(root: ET.Element, points: float) -> None:
    processing = _sub(root, "responseProcessing")
    condition = _sub(processing, "responseCondition")
    when = _sub(condition, "responseIf")
    match = _sub(when, "match")
    _sub(match, "variable", identifier="RESPONSE")
    _sub(match, "correct", identifier="RESPONSE")
    _set(when, "SCORE", _base("float", _num(points)))
    _set(_sub(condition, "responseElse"), "SCORE", _base("float", "0"))


def _pairs(root: ET.Element, item: Item) -> None:
    ids = [entry["id"] for entry in item.question["items"]]
    step = item.points / (len(ids) * (len(ids) - 1) // 2)
    processing = _sub(root, "responseProcessing")
    for position in range(1, len(ids) + 1):
        for qid in ids:
            when = _sub(_sub(processing, "responseCondition"), "responseIf")
            match = _sub(when, "match")
            _sub(_sub(match, "index", n=str(position)), "variable", identifier="RESPONSE")
            _value(match, "identifier", f"C_{qid}")
            _set(when, f"P_{qid}", _base("integer", str(position)))
    for before, after in combinations(ids, 2):
        when = _sub(_sub(processing, "responseCondition"), "responseIf")
        both = _sub(when, "and")
        placed = _sub(both, "gt")
        _sub(placed, "variable", identifier=f"P_{before}")
        _value(placed, "integer", "0")
        order = _sub(both, "lt")
        _sub(order, "variable", identifier=f"P_{before}")
        _sub(order, "variable", identifier=f"P_{after}")
        total = ET.Element("sum")
        _sub(total, "variable", identifier="SCORE")
        total.append(_base("float", _num(step)))
        _set(when, "SCORE", total)


def assessment_item(item: Item) -> bytes:
    """One QTI 2.1 ``assessmentItem`` (UTF-8 XML) for a closed question."""
    if item.kind not in CLOSED:
        raise ValueError(f"{item.kind} is not a closed question")
    root = ET.Element("assessmentItem", {
        "xmlns": QTI_NS, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{QTI_NS} {QTI_XSD}",
        "identifier": identifier(item), "title": item.title, "adaptive": "false", "timeDependent": "false",
        XML_LANG: item.scenario.get("language", "nl")})
    _declare(root, item)
    _outcome(root, "SCORE", "float", "0")
    _outcome(root, "MAXSCORE", "float", _num(item.points))
    q = item.question
    pairs = item.kind == "order" and q.get("scoring", "pairs") == "pairs"
    if pairs:
        for entry in q["items"]:
            _outcome(root, f"P_{entry['id']}", "integer", "0")
    _body(root, item)
    if pairs:
        _pairs(root, item)
    elif item.kind == "order" or (item.kind == "multiple" and q.get("scoring", "partial") == "all-or-nothing"):
        _match_correct(root, item.points)
    else:
        _sub(root, "responseProcessing", template=TEMPLATE + "map_response")
    _indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def manifest(items: list[Item], package_id: str) -> bytes:
    """``imsmanifest.xml``: one QTI item resource per item, each with its file."""
    root = ET.Element("manifest", {
        "xmlns": CP_NS, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{CP_NS} {CP_XSD}", "identifier": package_id})
    meta = _sub(root, "metadata")
    _sub(meta, "schema", "QTIv2.1 Package")
    _sub(meta, "schemaversion", "1.0.0")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    for item in items:
        resource = _sub(resources, "resource", identifier=identifier(item), type="imsqti_item_xmlv2p1", href=href(item))
        _sub(resource, "file", href=href(item))
    _indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def qti_package(specs: list[dict]) -> tuple[bytes, list[Item]]:
    """(the zip's bytes, the open questions left out). Deterministic: fixed order, time and modes."""
    items = items_of(specs, CLOSED)
    skipped = items_of(specs, ("open",))
    digest = hashlib.sha256("\n".join(spec["id"] for spec in specs).encode("utf-8")).hexdigest()[:16]
    package_id = f"MANIFEST_casuslab_{digest}"
    files = [("imsmanifest.xml", manifest(items, package_id))] + [(href(i), assessment_item(i)) for i in items]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue(), skipped
