"""Runs the cloudtrail-guard runbook outside SSM: for the CLI (``npm run runbook``), the end-to-end test on moto, and
the document test. A convenience, never evidence about SSM: it runs the two actions the runbook uses the way AWS
documents them, and refuses every other action.

- Parameters: declared ones only; a missing one takes its default or is refused when it has none. ``String`` takes one
  value, ``StringList`` a list, ``Boolean`` exactly ``true`` or ``false`` (what AWS Config sends; the previous engineers'
  reading of https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html),
  then ``allowedValues`` and ``allowedPattern``.
- ``{{ Name }}``, ``{{ Step.Output }}``, ``{{ global:REGION | ACCOUNT_ID | AWS_PARTITION }}`` and
  ``{{ automation:EXECUTION_ID }}``: a value that is exactly one reference keeps its type; inside longer text it is
  rendered as text.
- ``aws:executeScript`` (Python runtimes): the Script is compiled as a module and ``Handler(InputPayload, None)`` is
  called; ``Payload`` is what it returns, and the step fails with the exception's message when it raises
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html).
- ``aws:assertAwsResourceProperty``: calls ``Service``.``Api`` with the other inputs, selects ``PropertySelector`` and
  compares it with ``DesiredValues``; a Boolean is compared as ``True`` / ``False`` ("If you specify a Boolean value,
  you must use a capital letter such as True or False",
  https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-assertAwsResourceProperty.html).
- Selectors: ``$``, ``.name`` and ``[n]`` only, the subset SSM documents
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-outputs-inputs.html).
- ``onFailure``: ``Abort`` (the default) ends the execution Failed; ``nextStep`` and ``isEnd`` are honoured.
"""

import re
import types
import uuid

import boto3
import yaml

REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_:.]+)\s*\}\}")
SELECTOR_PART = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")
OUTPUT_TYPES = {
    "String": str,
    "Integer": int,
    "Boolean": bool,
    "StringList": list,
    "MapList": list,
    "StringMap": dict,
}


class ExecutionFailed(Exception):
    """The execution ends Failed; the message is the step's failure."""


def _snake(api):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api).lower()


def select(data, selector):
    """Evaluates ``$``, ``.name`` and ``[n]``; raises ExecutionFailed for anything else or when nothing matches."""
    if not selector.startswith("$"):
        raise ExecutionFailed(f"selector {selector!r} must start with $")
    rest, value = selector[1:], data
    while rest:
        m = SELECTOR_PART.match(rest)
        if not m:
            raise ExecutionFailed(f"selector {selector!r} uses more than $, .name and [n]")
        key, index = m.group(1), m.group(2)
        try:
            value = value[int(index)] if index is not None else value[key]
        except (KeyError, IndexError, TypeError):
            raise ExecutionFailed(f"selector {selector!r} matches nothing") from None
        rest = rest[m.end():]
    return value


def resolve_parameters(document, given):
    """The typed parameters; raises ExecutionFailed (as StartAutomationExecution would refuse) naming each problem."""
    out, problems = {}, []
    declared = document.get("parameters") or {}
    for name in given:
        if name not in declared:
            problems.append(f"{name}: not a parameter of this runbook")
    for name, spec in declared.items():
        kind = spec.get("type", "String")
        if name in given:
            raw = given[name]
            values = raw if isinstance(raw, list) else [raw]
            if kind == "StringList":
                value = [str(v) for v in values]
            elif len(values) != 1:
                problems.append(f"{name}: takes one value, got {len(values)}")
                continue
            elif kind == "Boolean":
                if values[0] not in ("true", "false", True, False):
                    problems.append(f"{name}: {values[0]!r} is not true or false")
                    continue
                value = values[0] in ("true", True)
            else:
                value = str(values[0])
        elif "default" in spec:
            value = spec["default"]
        else:
            problems.append(f"{name}: required")
            continue
        allowed = spec.get("allowedValues")
        if allowed is not None and value not in allowed:
            problems.append(f"{name}: {value!r} is not one of {allowed}")
        pattern = spec.get("allowedPattern")
        if pattern is not None:
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and not re.search(pattern, v):
                    problems.append(f"{name}: {v!r} does not match {pattern}")
        out[name] = value
    if problems:
        raise ExecutionFailed("StartAutomationExecution refused the parameters: " + "; ".join(problems))
    return out


def _render(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def interpolate(value, scope):
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value.strip())
        if whole:
            name = whole.group(1)
            if name not in scope:
                raise ExecutionFailed(f"reference {{{{ {name} }}}} names nothing")
            return scope[name]

        def one(m):
            if m.group(1) not in scope:
                raise ExecutionFailed(f"reference {{{{ {m.group(1)} }}}} names nothing")
            return _render(scope[m.group(1)])

        return REFERENCE.sub(one, value)
    if isinstance(value, list):
        return [interpolate(v, scope) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, scope) for k, v in value.items()}
    return value


class _Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, model, params, **_):
        self.calls.append(model.name)


def _execute_script(step, inputs, session):
    runtime = inputs.get("Runtime", "")
    if not str(runtime).startswith("python3"):
        raise ExecutionFailed(f"step {step['name']}: runtime {runtime!r} is not a Python runtime")
    module = types.ModuleType(f"script_{step['name']}")
    exec(compile(inputs.get("Script", ""), f"<{step['name']}>", "exec"), module.__dict__)
    # The script makes its clients from boto3.session.Session(): hand it the caller's session.
    module.boto3 = types.SimpleNamespace(session=types.SimpleNamespace(Session=lambda: session), client=session.client)
    handler = getattr(module, inputs.get("Handler", ""), None)
    if not callable(handler):
        raise ExecutionFailed(f"step {step['name']}: the script has no function {inputs.get('Handler')!r}")
    try:
        payload = handler(inputs.get("InputPayload") or {}, None)
    except Exception as e:  # the step fails with the script's message, as SSM reports it
        raise ExecutionFailed(f"step {step['name']}: {type(e).__name__}: {e}") from e
    return {"Payload": payload}


def _assert_property(step, inputs, session):
    inputs = dict(inputs)
    service, api = inputs.pop("Service"), inputs.pop("Api")
    selector, desired = inputs.pop("PropertySelector"), inputs.pop("DesiredValues")
    response = getattr(session.client(service), _snake(api))(**inputs)
    value = select(response, selector)
    shown = ("True" if value else "False") if isinstance(value, bool) else str(value)
    if shown not in [str(d) for d in desired]:
        raise ExecutionFailed(f"step {step['name']}: {selector} is {shown!r}, not one of {desired}")
    return {}


ACTIONS = {"aws:executeScript": _execute_script, "aws:assertAwsResourceProperty": _assert_property}


def render_template(path):
    """The document a runbook template deploys: every aws:executeScript ``Script: '@inline <file>.py'`` replaced by
    that file's text (the transformation of renderRunbook in runbook/document/document.ts; a test checks both agree).
    Returns the document as data."""
    import os

    with open(path, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    for step in document.get("mainSteps") or []:
        inputs = step.get("inputs") or {}
        m = re.fullmatch(r"@inline ([A-Za-z0-9_]+\.py)", str(inputs.get("Script", "")))
        if step.get("action") == "aws:executeScript" and m:
            with open(os.path.join(os.path.dirname(path), m.group(1)), encoding="utf-8") as f:
                inputs["Script"] = f.read()
    return document


def run_document(content, parameters, *, region, account_id, partition="aws", session=None):
    """Runs the runbook ``content`` (YAML text, or the document as data) with ``parameters`` (name -> string or list of strings, as AWS Config
    and the fast path send them). ``session``: the boto3 Session to call AWS with (default: a new one in ``region``).

    Returns ``{"status": "Success" | "Failed", "outputs": {"Step.Output": value}, "calls": [API names in order],
    "failure": str | None, "steps": [step names run]}``. Never raises for a failed step or refused parameters.
    """
    session = session or boto3.session.Session(region_name=region)
    recorder = _Recorder()
    session.events.register("before-call.*.*", recorder)
    outputs, steps = {}, []
    try:
        document = yaml.safe_load(content) if isinstance(content, str) else content
        scope = dict(resolve_parameters(document, parameters))
        scope.update({"global:REGION": region, "global:ACCOUNT_ID": account_id, "global:AWS_PARTITION": partition,
                      "automation:EXECUTION_ID": str(uuid.uuid4())})
        main = document.get("mainSteps") or []
        by_name = {s["name"]: i for i, s in enumerate(main)}
        i = 0
        while 0 <= i < len(main):
            step = main[i]
            steps.append(step["name"])
            action = ACTIONS.get(step.get("action"))
            if action is None:
                raise ExecutionFailed(f"step {step['name']}: action {step.get('action')!r} is not supported here")
            if step.get("onFailure", "Abort") != "Abort":
                raise ExecutionFailed(f"step {step['name']}: onFailure {step.get('onFailure')!r} is not supported here")
            result = action(step, interpolate(step.get("inputs") or {}, scope), session)
            for out in step.get("outputs") or []:
                value = select(result, out["Selector"])
                kind = OUTPUT_TYPES.get(out.get("Type", "String"))
                if kind is None or not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                    raise ExecutionFailed(f"step {step['name']}: output {out['Name']} {value!r} is not a {out.get('Type')}")
                scope[f"{step['name']}.{out['Name']}"] = value
                outputs[f"{step['name']}.{out['Name']}"] = value
            if step.get("isEnd"):
                break
            nxt = step.get("nextStep")
            i = by_name[nxt] if nxt else i + 1
        return {"status": "Success", "outputs": outputs, "calls": recorder.calls, "failure": None, "steps": steps}
    except ExecutionFailed as e:
        return {"status": "Failed", "outputs": outputs, "calls": recorder.calls, "failure": str(e), "steps": steps}
    finally:
        session.events.unregister("before-call.*.*", recorder)
