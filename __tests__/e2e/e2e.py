"""End to end on moto: every synthesized stack applies, plans empty, refuses to destroy what it protects, and its trail
comes back after it is broken, through the runbook that was deployed.

Started by tools/e2e.ts (`npm run e2e`), which checks that python3 with moto, boto3 and PyYAML, terraform and the
provider mirror are here, synthesizes every example into its own folder, and then runs

    python3 __tests__/e2e/e2e.py --synth <dir> --work <dir> --cli-config <file> --deadline <epoch seconds>

<synth>/<example>/stacks/<stack>/cdk.tf.json are the synthesized stacks; they are never changed (their SHA-256 is
compared before and after). For each example, one moto server on 127.0.0.1 (examples reuse account IDs and names, so
each gets an emulator of its own); all stacks of one example share it, each account in its own moto account.

For each stack, in a copy under <work>:
  1. an override file (e2e_override.tf.json) points every endpoint at moto, gives credentials, and replaces the
     backend with a local one (https://developer.hashicorp.com/terraform/language/files/override: a backend block in an
     override replaces the original's). The provider's assume_role and allowed_account_ids stay as synthesized:
     the provider must land in the stack's account;
  2. terraform init, apply, then plan -detailed-exitcode: exit 0, or the changed attributes are printed;
  3. in a scratch copy, plan -destroy must fail with "Instance cannot be destroyed" for exactly the resources the stack
     declares prevent_destroy on, which must include the log bucket, the key and the trail; the scratch copy's state
     forgets each refused one in turn, so that the next is reached (terraform stops at the first refusal on a
     dependency path). Nothing is destroyed;
  4. for each way of breaking the trail (BREAKS), break it through moto, read the runbook back from moto's SSM
     (GetDocument of the remediation's target), take its parameters from the remediation configuration in the
     terraform state, run it with runbook/local_automation.py under the automation role's credentials, check that the
     trail is back at the baseline read right after the apply and that a second run writes nothing, and plan again
     (empty).

Prints one line per stack, one line per moto shortfall and its workaround, and the summary
`e2e: N stacks applied, N planned empty, R recovered, K skipped (why)`. Exit status 0 when everything held, 1 otherwise.
Every wait is bounded: the server start, each terraform command, each runbook run, and the whole run (--deadline).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

# Bounds, in seconds. The whole run is bounded by --deadline as well.
SERVER_START_S = 30
TF_INIT_S = 120
TF_APPLY_S = 300
TF_PLAN_S = 180
RUNBOOK_S = 60
STOP_S = 5

#: The CI account the operator (whose keys terraform starts from) lives in; deployment roles are assumed from it.
OPERATOR_ACCOUNT = "999999999999"

#: Resource type prefix -> the provider's endpoint key for it.
#: https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/guides/custom-service-endpoints
ENDPOINT_KEYS = {
    "aws_cloudtrail": "cloudtrail",
    "aws_cloudwatch_event_": "events",
    "aws_cloudwatch_log_": "logs",
    "aws_config_": "configservice",
    "aws_iam_": "iam",
    "aws_kms_": "kms",
    "aws_organizations_": "organizations",
    "aws_s3_": "s3",
    "aws_sns_": "sns",
    "aws_ssm_": "ssm",
}
#: Resource types that must refuse destruction (prevent_destroy): the log bucket, the trail key, the trail.
PROTECTED_TYPES = ("aws_s3_bucket", "aws_kms_key", "aws_cloudtrail")

WRITE_CALLS = {"CreateTrail", "UpdateTrail", "StartLogging", "PutEventSelectors", "PutInsightSelectors", "AddTags",
               "RemoveTags"}
NEVER_CALLED = {"DeleteTrail", "StopLogging"}


class Failure(Exception):
    """One thing that did not hold; the message says what and where."""


class Stopped(Exception):
    """The run was interrupted (signal) or ran out of time."""


# ----------------------------------------------------------------------------------------------------------------------
# Child processes: every one is started in a session of its own and tracked, so that it can be stopped by its PID
# (with its children, e.g. terraform's provider plugins) on failure, timeout or Ctrl-C.

_STOPPING = threading.Event()
_CHILDREN: dict[int, subprocess.Popen] = {}
_CHILDREN_LOCK = threading.Lock()
DEADLINE = float("inf")
#: E2E_VERBOSE=1 prints every command the e2e runs, with its wall time, as it ends.
VERBOSE = os.environ.get("E2E_VERBOSE") == "1"


def _remaining(limit: float, what: str) -> float:
    left = DEADLINE - time.time()
    if _STOPPING.is_set():
        raise Stopped(f"{what}: the run was stopped")
    if left <= 1:
        raise Stopped(f"{what}: the e2e ran out of its time budget")
    return min(limit, left)


def _stop_child(p: subprocess.Popen) -> None:
    """SIGTERM to the child's process group (its PID), then SIGKILL after STOP_S."""
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        p.wait(STOP_S)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(STOP_S)


def run(args: list[str], *, cwd: Path | None, env: dict[str, str], limit: float, what: str,
        stdin: str | None = None) -> tuple[int, str, str]:
    """Runs a command to its end within `limit` seconds (and the deadline); returns (exit status, stdout, stderr).
    @throws Failure when it does not end in time (it is stopped first); Stopped when the run is stopping."""
    timeout = _remaining(limit, what)
    started = time.time()
    p = subprocess.Popen(args, cwd=cwd, env=env, text=True, start_new_session=True,
                         stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with _CHILDREN_LOCK:
        _CHILDREN[p.pid] = p
    try:
        out, err = p.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_child(p)
        out, err = p.communicate()
        if _STOPPING.is_set() or DEADLINE - time.time() <= 1:
            raise Stopped(f"{what}: stopped (time budget or signal)")
        raise Failure(f"{what}: did not finish within {timeout:.0f} s; stopped it")
    finally:
        with _CHILDREN_LOCK:
            _CHILDREN.pop(p.pid, None)
    if _STOPPING.is_set():
        raise Stopped(f"{what}: the run was stopped")
    if VERBOSE:
        print(f"e2e: [{time.time() - started:6.1f} s] {what} (exit {p.returncode})", flush=True)
    return p.returncode, out, err


def stop_all_children() -> None:
    with _CHILDREN_LOCK:
        procs = list(_CHILDREN.values())
    for p in procs:
        _stop_child(p)


# ----------------------------------------------------------------------------------------------------------------------
# moto


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    """One moto server (with the extensions of moto_server.py) on a free 127.0.0.1 port, stopped by its PID."""

    def __init__(self, name: str, log: Path):
        self.name, self.log_path = name, log
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        for _attempt in range(3):  # the port may be taken between choosing it and binding it
            self.port = free_loopback_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen([sys.executable, str(HERE / "moto_server.py"), str(self.port)],
                                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             start_new_session=True, env=clean_env())
            with _CHILDREN_LOCK:
                _CHILDREN[self.proc.pid] = self.proc
            until = time.time() + _remaining(SERVER_START_S, f"moto for {self.name}: start")
            while time.time() < until:
                if self.proc.poll() is not None:
                    break
                try:
                    with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2) as r:
                        if r.status == 200:
                            return
                except OSError:
                    time.sleep(0.2)
            self.stop()
        raise Failure(f"moto for {self.name} did not start on 127.0.0.1 within {SERVER_START_S} s: "
                      f"{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is not None:
            _stop_child(self.proc)
            with _CHILDREN_LOCK:
                _CHILDREN.pop(self.proc.pid, None)

    def log_tail(self, n: int = 15) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def client(self, service: str, region: str, *, account: str | None = None, creds: dict | None = None):
        """A boto3 client for moto: with `creds` (AccessKeyId, SecretAccessKey[, SessionToken]), moto takes the account
        from the access key; with `account`, from the x-moto-account-id header
        (https://docs.getmoto.org/en/latest/docs/multi_account.html)."""
        import boto3
        from botocore.config import Config

        c = creds or {"AccessKeyId": "e2e", "SecretAccessKey": "e2e"}
        client = boto3.client(service, endpoint_url=self.endpoint, region_name=region,
                              aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                              aws_session_token=c.get("SessionToken"),
                              config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5,
                                            read_timeout=30))
        if account is not None and creds is None:
            def header(request, **_):
                request.headers["x-moto-account-id"] = account
            client.meta.events.register("before-sign.*.*", header)
        return client


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for children: nothing of the caller's AWS or terraform settings, no proxy for loopback."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "TF_")) and k not in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    env.update({
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "CHECKPOINT_DISABLE": "1",
    })
    env.update(extra or {})
    return env


# ----------------------------------------------------------------------------------------------------------------------
# Stacks and shortfalls


@dataclass
class Stack:
    example: str
    name: str
    src: Path
    tf: dict
    account: str
    region: str
    role_arn: str | None
    work: Path = Path()
    creds: dict = field(default_factory=dict)
    upstream: list = field(default_factory=list)  # Results of the stacks this one reads from (applied first)
    awaited: bool = False  # other stacks wait for this one's apply: its init and apply go first
    target_ids: dict[str, str] = field(default_factory=dict)  # attachment resource name -> moto target ID

    @property
    def label(self) -> str:
        return f"{self.example}/{self.name}"

    def resources(self, rtype: str) -> dict[str, dict]:
        return self.tf.get("resource", {}).get(rtype, {})


class Shortfalls:
    """Each moto shortfall and its workaround, printed once."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.lock = threading.Lock()

    def add(self, line: str) -> None:
        with self.lock:
            if line not in self.lines:
                self.lines.append(line)


SHORTFALLS = Shortfalls()


def load_stacks(synth: Path) -> list[Stack]:
    stacks = []
    for example_dir in sorted(p for p in synth.iterdir() if p.is_dir()):
        for stack_dir in sorted(p for p in (example_dir / "stacks").iterdir() if p.is_dir()):
            tf = json.loads((stack_dir / "cdk.tf.json").read_text())
            providers = tf.get("provider", {}).get("aws", [])
            if len(providers) != 1:
                raise Failure(f"{example_dir.name}/{stack_dir.name}: {len(providers)} aws provider blocks; the e2e "
                              "knows how to point exactly one at moto")
            p = providers[0]
            allowed = p.get("allowed_account_ids") or []
            if len(allowed) != 1 or not re.fullmatch(r"\d{12}", allowed[0]):
                raise Failure(f"{example_dir.name}/{stack_dir.name}: allowed_account_ids {allowed!r} is not one account")
            roles = p.get("assume_role") or []
            stacks.append(Stack(example=example_dir.name, name=stack_dir.name, src=stack_dir, tf=tf,
                                account=allowed[0], region=p["region"],
                                role_arn=roles[0]["role_arn"] if roles else None))
    return stacks


def tree_digest(folder: Path) -> str:
    """SHA-256 over every file's relative path and bytes under `folder` (terraform's own .terraform excluded)."""
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        rel = f.relative_to(folder)
        if f.is_file() and ".terraform" not in rel.parts:
            h.update(str(rel).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def endpoints_for(stack: Stack, endpoint: str) -> dict[str, str]:
    keys = {"sts", "iam"}  # the provider asks STS who it is (and assumes the deployment role through it)
    unknown = []
    for rtype in [*stack.tf.get("resource", {}), *stack.tf.get("data", {})]:
        key = next((v for k, v in ENDPOINT_KEYS.items() if rtype.startswith(k)), None)
        if key is None:
            unknown.append(rtype)
        else:
            keys.add(key)
    if unknown:
        raise Failure(f"{stack.label}: no moto endpoint is configured for {', '.join(sorted(unknown))} "
                      "(add its endpoint key to ENDPOINT_KEYS in __tests__/e2e/e2e.py)")
    return {k: endpoint for k in sorted(keys)}


def override_for(stack: Stack, endpoint: str) -> dict:
    """The override file's content: endpoints, the operator's or deployer's keys, the local backend; for the tamper
    SCP, the target IDs that moto gave the organization's root and OUs."""
    provider = {
        "access_key": stack.creds["AccessKeyId"],
        "secret_key": stack.creds["SecretAccessKey"],
        # moto serves S3 on one host; virtual-hosted bucket names would need DNS.
        "s3_use_path_style": True,
        "endpoints": [endpoints_for(stack, endpoint)],
    }
    override: dict[str, Any] = {
        "terraform": {"backend": {"local": {"path": "terraform.tfstate"}}},
        "provider": {"aws": provider},
    }
    if stack.target_ids:
        override["resource"] = {"aws_organizations_policy_attachment": {
            name: {"target_id": target} for name, target in sorted(stack.target_ids.items())}}
    return override


# ----------------------------------------------------------------------------------------------------------------------
# The world each example expects before its first apply


def prepare_world(moto: Moto, stacks: list[Stack]) -> None:
    """Per account: the deployment role (or, without one, a deployer user), AWS Config where the stack expects it to be
    on already, and the organization for a stack that attaches the tamper SCP."""
    iam_op = moto.client("iam", "us-east-1", account=OPERATOR_ACCOUNT)
    try:
        iam_op.get_user(UserName="e2e-operator")
    except iam_op.exceptions.NoSuchEntityException:
        iam_op.create_user(UserName="e2e-operator")
    operator = iam_op.create_access_key(UserName="e2e-operator")["AccessKey"]
    for s in stacks:
        iam = moto.client("iam", "us-east-1", account=s.account)
        if s.role_arn:
            # The deployment role exists in its account, trusting the operator; assuming it lands in that account.
            m = re.fullmatch(r"arn:[a-z-]+:iam::(\d{12}):role(/.*/|/)([^/]+)", s.role_arn)
            if not m or m.group(1) != s.account:
                raise Failure(f"{s.label}: deployment role {s.role_arn} is not a role of account {s.account}")
            try:
                iam.get_role(RoleName=m.group(3))
            except iam.exceptions.NoSuchEntityException:
                iam.create_role(RoleName=m.group(3), Path=m.group(2), AssumeRolePolicyDocument=json.dumps({
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                   "Principal": {"AWS": f"arn:aws:iam::{OPERATOR_ACCOUNT}:user/e2e-operator"}}]}))
            s.creds = {"AccessKeyId": operator["AccessKeyId"], "SecretAccessKey": operator["SecretAccessKey"]}
        else:
            # No deployment role: terraform runs with keys of a user of the stack's own account.
            try:
                iam.get_user(UserName="e2e-deployer")
            except iam.exceptions.NoSuchEntityException:
                iam.create_user(UserName="e2e-deployer")
            key = iam.create_access_key(UserName="e2e-deployer")["AccessKey"]
            s.creds = {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}
        sts = moto.client("sts", s.region, creds=s.creds)
        who = sts.get_caller_identity()["Account"]
        expected = OPERATOR_ACCOUNT if s.role_arn else s.account
        if who != expected:
            raise Failure(f"{s.label}: moto put the e2e's keys in account {who}, not {expected}")
        if s.role_arn:
            landed = moto.client("sts", s.region, creds=s.creds).assume_role(
                RoleArn=s.role_arn, RoleSessionName="e2e-check")["Credentials"]
            who = moto.client("sts", s.region, creds=landed).get_caller_identity()["Account"]
            if who != s.account:
                raise Failure(f"{s.label}: assuming {s.role_arn} in moto landed in {who}, not {s.account}")
        if not s.resources("aws_config_configuration_recorder"):
            # The stack relies on AWS Config being on in the account (configRule.recorder: existing): make it so.
            cfg = moto.client("config", s.region, account=s.account)
            if not cfg.describe_configuration_recorders()["ConfigurationRecorders"]:
                cfg.put_configuration_recorder(ConfigurationRecorder={
                    "name": "default",
                    "roleARN": f"arn:aws:iam::{s.account}:role/aws-service-role/config.amazonaws.com/"
                               "AWSServiceRoleForConfig",
                    "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
        attachments = s.resources("aws_organizations_policy_attachment")
        if attachments:
            prepare_organization(moto, s, attachments)


def prepare_organization(moto: Moto, s: Stack, attachments: dict[str, dict]) -> None:
    """moto cannot create an organization, root or OU with a given ID: it makes its own. The organization is created
    in the stack's account (the management account), SCPs are enabled on the root, and each attachment's target (the
    example's root or OU ID) is mapped to moto's through the override; the stack itself keeps its IDs."""
    org = moto.client("organizations", "us-east-1", account=s.account)
    try:
        org_id = org.describe_organization()["Organization"]["Id"]
    except org.exceptions.AWSOrganizationsNotInUseException:
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]
    if not any(t["Type"] == "SERVICE_CONTROL_POLICY" and t["Status"] == "ENABLED" for t in root.get("PolicyTypes", [])):
        org.enable_policy_type(RootId=root["Id"], PolicyType="SERVICE_CONTROL_POLICY")
    mapped = []
    for name, res in attachments.items():
        target = res["target_id"]
        if re.fullmatch(r"r-[0-9a-z]{4,32}", target):
            s.target_ids[name] = root["Id"]
        elif re.fullmatch(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}", target):
            ous = org.list_organizational_units_for_parent(ParentId=root["Id"])["OrganizationalUnits"]
            ou = next((o for o in ous if o["Name"] == f"e2e-{target}"), None)
            ou = ou or org.create_organizational_unit(ParentId=root["Id"], Name=f"e2e-{target}")["OrganizationalUnit"]
            s.target_ids[name] = ou["Id"]
        else:
            raise Failure(f"{s.label}: SCP target {target!r} is neither a root nor an OU ID; moto cannot create an "
                          "account with a given ID, and the e2e has no workaround for it")
        mapped.append(f"{target} -> {s.target_ids[name]}")
    SHORTFALLS.add(f"moto creates organizations, roots and OUs with IDs of its own: organization {org_id} created in "
                   f"{s.account} with SCPs enabled, and the SCP attachment targets mapped through the override "
                   f"({', '.join(sorted(set(mapped)))}); the stack keeps its IDs")


# ----------------------------------------------------------------------------------------------------------------------
# terraform


class Slots:
    """A counting semaphore whose `first` takers are served before the others (bounded waits: the deadline)."""

    def __init__(self, n: int):
        self.free, self.first_waiting = n, 0
        self.cond = threading.Condition()

    @contextlib.contextmanager
    def taken(self, first: bool = False):
        with self.cond:
            self.first_waiting += first
            try:
                while self.free == 0 or (not first and self.first_waiting):
                    self.cond.wait(1)
                    _remaining(TF_APPLY_S, "waiting for a terraform slot")
            finally:
                self.first_waiting -= first
            self.free -= 1
        try:
            yield
        finally:
            with self.cond:
                self.free += 1
                self.cond.notify_all()


def packed_mirror(cli_config: Path) -> bool:
    """True when the CLI configuration's filesystem mirror holds providers as zip archives (the packed layout), which
    every init would unpack again without a plugin cache. From an unpacked mirror terraform links the provider into
    .terraform without copying it, so a cache saves nothing there; worse, each init links the cache's entry anew, and a
    terraform command of another stack that starts the provider in that moment finds no binary (seen here)."""
    m = re.search(r'path\s*=\s*"([^"]+)"', cli_config.read_text())
    return bool(m) and any(Path(m.group(1)).glob("registry.terraform.io/hashicorp/aws/**/*.zip"))


class Terraform:
    def __init__(self, cli_config: Path, plugin_cache: Path | None, jobs: int):
        self.env = clean_env({
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            # terraform and the provider (which inherits it) are Go programs that live seconds: collecting garbage
            # four times less often cut a plan's CPU by a quarter here (7.9-8.7 s -> 5.4-6.8 s) for ~150 MB more
            # memory. https://pkg.go.dev/runtime#hdr-Environment_Variables
            "GOGC": os.environ.get("GOGC", "400"),
        })
        if plugin_cache is not None:
            plugin_cache.mkdir(parents=True, exist_ok=True)
            self.env["TF_PLUGIN_CACHE_DIR"] = str(plugin_cache)
        self.slots = Slots(jobs)  # terraform commands at a time (2 cores)
        # "The plugin cache directory is not guaranteed to be concurrency safe": one init at a time.
        # https://developer.hashicorp.com/terraform/cli/config/config-file#provider-plugin-cache
        self.init_lock = threading.Lock()

    def __call__(self, wd: Path, args: list[str], limit: float, what: str, first: bool = False) -> tuple[int, str, str]:
        """Runs terraform in `wd` when a slot is free; `first`: before the commands that are not (an apply that other
        stacks wait for)."""
        with self.slots.taken(first):
            return run(["terraform", *args], cwd=wd, env=self.env, limit=limit, what=what)

    def init(self, wd: Path, label: str, first: bool = False) -> None:
        with self.init_lock:
            rc, out, err = self(wd, ["init", "-input=false", "-no-color"], TF_INIT_S, f"{label}: terraform init",
                                first)
        if rc != 0:
            raise Failure(f"{label}: terraform init failed: {errors_of(out + err)}")

    def state_values(self, wd: Path, label: str) -> tuple[dict, list[dict]]:
        """(outputs by name, managed resources as {type, name, values}) of the local state in `wd`. Read from the state
        file itself when it is format version 4 (saves a terraform process: the provider's start costs seconds of CPU);
        else from `terraform show -json`. https://developer.hashicorp.com/terraform/language/state"""
        try:
            raw = json.loads((wd / "terraform.tfstate").read_text())
        except (OSError, ValueError):
            raw = {}
        if raw.get("version") == 4:
            outputs = {k: v.get("value") for k, v in (raw.get("outputs") or {}).items()}
            resources = [{"type": r["type"], "name": r["name"], "values": inst.get("attributes") or {}}
                         for r in raw.get("resources") or [] if r.get("mode") == "managed"
                         for inst in r.get("instances") or [] if "index_key" not in inst]
            return outputs, resources
        shown = self.state(wd, label)
        outputs = {k: v["value"] for k, v in shown["values"].get("outputs", {}).items()}
        return outputs, shown["values"]["root_module"]["resources"]

    def state(self, wd: Path, label: str) -> dict:
        rc, out, err = self(wd, ["show", "-json", "-no-color"], TF_PLAN_S, f"{label}: terraform show")
        if rc != 0:
            raise Failure(f"{label}: terraform show failed: {errors_of(out + err)}")
        return json.loads(out)

    def plan_is_empty(self, wd: Path, label: str, when: str) -> None:
        """plan -detailed-exitcode must exit 0; on 2, the changed attributes are in the Failure.
        https://developer.hashicorp.com/terraform/cli/commands/plan#detailed-exitcode"""
        rc, out, err = self(wd, ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-out=e2e.tfplan"],
                            TF_PLAN_S, f"{label}: terraform plan ({when})")
        if rc == 0:
            return
        if rc != 2:
            raise Failure(f"{label}: terraform plan ({when}) failed: {errors_of(out + err)}")
        rc2, shown, err2 = self(wd, ["show", "-json", "-no-color", "e2e.tfplan"], TF_PLAN_S, f"{label}: show plan")
        changes = plan_changes(json.loads(shown)) if rc2 == 0 else [errors_of(shown + err2)]
        raise Failure(f"{label}: the plan {when} is not empty:\n    " + "\n    ".join(changes))


def errors_of(output: str, limit: int = 40) -> str:
    """terraform's error blocks (from the first 'Error:'), or the output's tail."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^[│\s]*Error:", line)), max(0, len(lines) - limit))
    return "\n    " + "\n    ".join(line.rstrip() for line in lines[start:start + limit])


def diff_paths(before: Any, after: Any, unknown: Any, path: str = "") -> list[str]:
    """Every attribute path whose value differs between `before` and `after` (or becomes unknown), with both values."""
    if unknown is True:
        return [f"{path or '.'}: {_short(before)} -> (known after apply)"]
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for k in sorted(set(before) | set(after)):
            sub_unknown = unknown.get(k) if isinstance(unknown, dict) else None
            out += diff_paths(before.get(k), after.get(k), sub_unknown, f"{path}.{k}" if path else k)
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for i, (b, a) in enumerate(zip(before, after)):
            sub_unknown = unknown[i] if isinstance(unknown, list) and i < len(unknown) else None
            out += diff_paths(b, a, sub_unknown, f"{path}[{i}]")
        return out
    return [] if before == after else [f"{path or '.'}: {_short(before)} -> {_short(after)}"]


def _short(v: Any, n: int = 160) -> str:
    s = json.dumps(v, sort_keys=True)
    return s if len(s) <= n else s[:n] + "..."


def plan_changes(plan: dict) -> list[str]:
    """One line per resource (and output) the plan changes: address, actions, changed attributes."""
    lines = []
    for rc in plan.get("resource_changes", []):
        ch = rc["change"]
        if ch["actions"] in (["no-op"], ["read"]):
            continue
        paths = diff_paths(ch.get("before"), ch.get("after"), ch.get("after_unknown"))
        lines.append(f"{rc['address']}: {'/'.join(ch['actions'])}: {'; '.join(paths) or '(whole resource)'}")
    for name, ch in (plan.get("output_changes") or {}).items():
        if ch["actions"] != ["no-op"]:
            lines.append(f"output.{name}: {'/'.join(ch['actions'])}: {_short(ch.get('before'))} -> "
                         f"{_short(ch.get('after'))}")
    return lines or ["(terraform reported a change but listed none)"]


def forget_in_scratch_state(state_file: Path, addresses: list[str]) -> None:
    """What `terraform state rm` does to a local state, done to the scratch copy's file directly (a terraform process
    costs seconds of CPU for the provider's schema): the resources go, the serial goes up.
    @throws Failure when the state is not format version 4 or does not hold an address"""
    state = json.loads(state_file.read_text())
    if state.get("version") != 4:
        raise Failure(f"{state_file}: state format {state.get('version')}, not 4")
    keep, gone = [], set()
    for r in state["resources"]:
        address = f"{r['type']}.{r['name']}"
        if r.get("mode") == "managed" and "module" not in r and address in addresses:
            gone.add(address)
        else:
            keep.append(r)
    if gone != set(addresses):
        raise Failure(f"{state_file}: no {sorted(set(addresses) - gone)} to forget")
    state["resources"], state["serial"] = keep, state["serial"] + 1
    state_file.write_text(json.dumps(state, indent=2))


def refused_destroys(tf: Terraform, wd: Path, label: str, protected: list[str]) -> list[str]:
    """In a scratch copy of `wd` (same state file, copied): plan -destroy until it succeeds; each "Instance cannot be
    destroyed" names a resource with prevent_destroy, which the scratch state then forgets, so the next
    refusal on the same dependency path is reached. Returns the refused addresses. Nothing is destroyed: only plans run,
    and only the scratch copy's state file changes. https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle"""
    scratch = wd.parent / f"{wd.name}.destroy-check"
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(wd, scratch, symlinks=True)
    refused: list[str] = []
    try:
        for _round in range(6):
            rc, out, err = tf(scratch, ["plan", "-destroy", "-refresh=false", "-input=false", "-no-color", "-json"],
                              TF_PLAN_S, f"{label}: terraform plan -destroy")
            if rc == 0:
                return refused
            found = []
            for line in out.splitlines():
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                d = msg.get("diagnostic") or {}
                if msg.get("@level") == "error" and d.get("summary") == "Instance cannot be destroyed":
                    m = re.search(r"Resource\s+(\S+)\s+has\s+lifecycle\.prevent_destroy\s+set", d.get("detail", ""))
                    if not m:
                        raise Failure(f"{label}: a destroy refusal names no resource: {d.get('detail')!r}")
                    found.append(m.group(1))
                elif msg.get("@level") == "error":
                    raise Failure(f"{label}: plan -destroy failed for another reason: {d.get('summary')}: "
                                  f"{d.get('detail')}")
            if not found:
                raise Failure(f"{label}: plan -destroy failed without naming a refused resource: "
                              f"{errors_of(out + err)}")
            refused += found
            if sorted(refused) == protected:
                # Every declared prevent_destroy was refused; a further round only shows the rest would be destroyed.
                return refused
            forget_in_scratch_state(scratch / "terraform.tfstate", found)
        raise Failure(f"{label}: plan -destroy was still refused after 6 rounds: {refused}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ----------------------------------------------------------------------------------------------------------------------
# Breaking the trail and bringing it back


def _break_stop(ct, trail, **_):
    ct.stop_logging(Name=trail["TrailARN"])


def _break_delete(ct, trail, **_):
    ct.delete_trail(Name=trail["TrailARN"])


# The UpdateTrail breaks. moto takes an empty KmsKeyId as "no key"; whether it took each break is checked (Break.took)
# before the runbook runs, so a break that changed nothing can never pass as a recovery.
NO_KEY = {"KmsKeyId": ""}
NO_VALIDATION = {"EnableLogFileValidation": False}


def _decoy_bucket(moto: Moto, stack: Stack) -> str:
    decoy = f"e2e-moved-{stack.account}-{stack.region}"
    s3 = moto.client("s3", stack.region, account=stack.account)
    kw = {} if stack.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": stack.region}}
    try:
        s3.create_bucket(Bucket=decoy, **kw)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    return decoy


def _update(no_key: bool, no_validation: bool, move: bool) -> Callable[..., None]:
    def act(ct, trail, *, moto, stack, **_):
        change = {**(NO_KEY if no_key else {}), **(NO_VALIDATION if no_validation else {})}
        if move:
            change["S3BucketName"] = _decoy_bucket(moto, stack)
        ct.update_trail(Name=trail["TrailARN"], **change)
    return act


def _no_key(t: dict | None) -> bool:
    return t is not None and not t.get("KmsKeyId")


def _no_validation(t: dict | None) -> bool:
    return t is not None and t.get("LogFileValidationEnabled") is False


def _moved(t: dict | None) -> bool:
    return t is not None and t.get("S3BucketName", "").startswith("e2e-moved-")


@dataclass(frozen=True)
class Break:
    name: str
    act: Callable[..., None]
    #: Given (GetTrail's Trail or None when it is gone, IsLogging), true when the trail is broken as intended.
    took: Callable[[dict | None, bool | None], bool]
    #: The write call the runbook must make to repair it.
    repair: str


STOP = Break("StopLogging", _break_stop, lambda t, logging: t is not None and logging is False, "StartLogging")
DELETE = Break("DeleteTrail", _break_delete, lambda t, logging: t is None, "CreateTrail")
#: By default one UpdateTrail breaks the three settings at once (no key, no validation, another bucket): every stack
#: gets all three, for the price of one more plan. The runbook's Python tests cover each drift on its own; with
#: E2E_EACH_UPDATE=1 the e2e breaks them one at a time as well (two more plans a stack).
UPDATE_ALL = Break("UpdateTrail removes the KMS key, turns log file validation off and moves the bucket",
                   _update(True, True, True), lambda t, _l: _no_key(t) and _no_validation(t) and _moved(t),
                   "UpdateTrail")
UPDATE_EACH = (
    Break("UpdateTrail removes the KMS key", _update(True, False, False), lambda t, _l: _no_key(t), "UpdateTrail"),
    Break("UpdateTrail turns log file validation off", _update(False, True, False), lambda t, _l: _no_validation(t),
          "UpdateTrail"),
    Break("UpdateTrail moves the bucket", _update(False, False, True), lambda t, _l: _moved(t), "UpdateTrail"),
)
BREAKS = (STOP, DELETE, UPDATE_ALL) + (UPDATE_EACH if os.environ.get("E2E_EACH_UPDATE") == "1" else ())


def _normal_selectors(response: dict) -> dict:
    """GetEventSelectors without metadata, with an absent DataResources or ExcludeManagementEventSources read as the
    empty list it means (AWS is silent on which of the two it returns; moto returns what was sent), so that the
    comparison holds under either behaviour. https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html"""
    out = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    out["EventSelectors"] = [
        {**sel, "DataResources": sel.get("DataResources") or [],
         "ExcludeManagementEventSources": sel.get("ExcludeManagementEventSources") or []}
        for sel in out.get("EventSelectors") or []]
    out["AdvancedEventSelectors"] = out.get("AdvancedEventSelectors") or []
    return out


def _present(trail: dict) -> dict:
    """GetTrail's Trail without the fields that are null or empty: AWS is silent on whether a setting that is not set
    (S3KeyPrefix, SnsTopicName, CloudWatchLogsLogGroupArn ...) comes back absent or empty, and moto returns an emptied
    one as "" and an unset one as null; the provider reads all three the same."""
    return {k: v for k, v in trail.items() if v is not None and v != ""}


def read_trail(ct, arn: str) -> tuple[dict | None, bool | None, dict | None]:
    """(GetTrail's Trail, GetTrailStatus's IsLogging, the rest terraform reads back of an aws_cloudtrail: event
    selectors, insight selectors and tags), or Nones when the trail is gone.
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrail.html"""
    try:
        trail = _present(ct.get_trail(Name=arn)["Trail"])
    except ct.exceptions.TrailNotFoundException:
        return None, None, None
    logging = ct.get_trail_status(Name=arn)["IsLogging"]
    rest = {
        "EventSelectors": _normal_selectors(ct.get_event_selectors(TrailName=arn)),
        "InsightSelectors": ct.get_insight_selectors(TrailName=arn).get("InsightSelectors") or [],
        "Tags": sorted((t["Key"], t.get("Value", "")) for r in ct.list_tags(ResourceIdList=[arn])["ResourceTagList"]
                       for t in r.get("TagsList") or []),
    }
    return trail, logging, rest


def remediation_parameters(resource: dict, account: str) -> dict[str, Any]:
    """The parameters AWS Config would start the runbook with, from the remediation configuration in the state: one
    static value as a string, several as a list; RESOURCE_ID is the evaluated resource's ID, which for the account-level
    cloudtrail-enabled rule is the account ID (https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-enabled.html,
    https://docs.aws.amazon.com/config/latest/APIReference/API_RemediationParameterValue.html)."""
    params: dict[str, Any] = {}
    for p in resource["values"].get("parameter") or []:
        if p.get("static_value"):
            params[p["name"]] = p["static_value"]
        elif p.get("static_values"):
            params[p["name"]] = list(p["static_values"])
        elif p.get("resource_value") == "RESOURCE_ID":
            params[p["name"]] = account
        else:
            raise Failure(f"remediation parameter {p['name']} has no value: {p}")
    return params


@dataclass
class Deployed:
    """What the e2e reads back after the apply, for the recoveries."""
    trail_arn: str
    baseline: dict
    selectors: dict
    document: str
    parameters: dict
    automation_role: str


def read_deployed(moto: Moto, tf: Terraform, s: Stack) -> Deployed:
    outputs, resources = tf.state_values(s.work, s.label)
    by_type: dict[str, list[dict]] = {}
    for r in resources:
        by_type.setdefault(r["type"], []).append(r)
    [remediation] = by_type.get("aws_config_remediation_configuration") or [None]
    if remediation is None:
        raise Failure(f"{s.label}: no aws_config_remediation_configuration in the state")
    params = remediation_parameters(remediation, s.account)
    SHORTFALLS.add("moto has no DescribeRemediationConfigurations of its own: the runbook's parameters are read from "
                   "the aws_config_remediation_configuration in the terraform state (what the provider read back)")
    rv = remediation["values"]
    if rv["target_type"] != "SSM_DOCUMENT":
        raise Failure(f"{s.label}: remediation target_type is {rv['target_type']}, not SSM_DOCUMENT")
    ssm = moto.client("ssm", s.region, account=s.account)
    get = {"Name": rv["target_id"], "DocumentFormat": "YAML"}
    if rv.get("target_version") and rv["target_version"] != "$DEFAULT":
        get["DocumentVersion"] = rv["target_version"]
    doc = ssm.get_document(**get)
    if doc.get("DocumentType") != "Automation":
        raise Failure(f"{s.label}: deployed document {rv['target_id']} is a {doc.get('DocumentType')} document")
    role = params.get("AutomationAssumeRole")
    if not role or role != outputs.get("automation_role_arn"):
        raise Failure(f"{s.label}: AutomationAssumeRole {role} is not the stack's automation role "
                      f"{outputs.get('automation_role_arn')}")
    partition = role.split(":")[1]
    trail_arn = outputs.get("trail_arn") or \
        f"arn:{partition}:cloudtrail:{s.region}:{s.account}:trail/{params.get('TrailName')}"
    deployed = Deployed(trail_arn=trail_arn, baseline={}, selectors={}, document=doc["Content"], parameters=params,
                        automation_role=role)
    ct = moto.client("cloudtrail", s.region, account=s.account)
    trail, logging, selectors = read_trail(ct, trail_arn)
    if trail is None and not s.resources("aws_cloudtrail"):
        # The stack leaves the trail to the runbook (trail.manage: false): its first run creates it.
        [first] = run_runbook(moto, s, deployed, f"{s.label}: first run (trail not managed by terraform)")
        if first.get("status") != "Success" or "CreateTrail" not in (first.get("calls") or []):
            raise Failure(f"{s.label}: the first run did not create the trail: {first.get('status')} "
                          f"{first.get('failure')} {first.get('calls')}")
        trail, logging, selectors = read_trail(ct, trail_arn)
    if trail is None:
        raise Failure(f"{s.label}: trail {trail_arn} is not in moto account {s.account}, {s.region} after the apply")
    # The baseline: what terraform applied, and what the runbook would restore, are one and the same.
    expected = {
        "Name": params.get("TrailName"),
        "TrailARN": trail_arn,
        "HomeRegion": s.region,
        "S3BucketName": params.get("S3BucketName"),
        "KmsKeyId": params.get("KmsKeyId"),
        "IsMultiRegionTrail": True,
        "IncludeGlobalServiceEvents": True,
        "LogFileValidationEnabled": True,
        "IsOrganizationTrail": params.get("IsOrganizationTrail") == "true",
    }
    expected["S3KeyPrefix"] = params.get("S3KeyPrefix") or None  # no prefix: no S3KeyPrefix on the trail
    if outputs.get("kms_key_arn") and outputs["kms_key_arn"] != params.get("KmsKeyId"):
        raise Failure(f"{s.label}: kms_key_arn output {outputs['kms_key_arn']} != runbook KmsKeyId "
                      f"{params.get('KmsKeyId')}")
    if outputs.get("log_bucket") and outputs["log_bucket"] != params.get("S3BucketName"):
        raise Failure(f"{s.label}: log_bucket output {outputs['log_bucket']} != runbook S3BucketName "
                      f"{params.get('S3BucketName')}")
    seen = dict(trail)
    if "HomeRegion" not in seen:
        # GetTrail's Trail has HomeRegion (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Trail.html);
        # moto 5.2.1 puts it only in DescribeTrails.
        SHORTFALLS.add("moto 5.2.1 GetTrail leaves out HomeRegion: the home Region is checked through DescribeTrails")
        listed = [t for t in ct.describe_trails(trailNameList=[trail_arn])["trailList"] if t["TrailARN"] == trail_arn]
        seen["HomeRegion"] = listed[0].get("HomeRegion") if listed else None
    wrong = {k: (seen.get(k), v) for k, v in expected.items() if seen.get(k) != v}
    if wrong or logging is not True:
        raise Failure(f"{s.label}: after the apply the trail is not the baseline the runbook restores "
                      f"(field: (moto, expected)): {wrong}; IsLogging {logging}")
    deployed.baseline, deployed.selectors = trail, selectors or {}
    return deployed


def run_runbook(moto: Moto, s: Stack, d: Deployed, label: str, runs: int = 1) -> list[dict]:
    """Runs the deployed document `runs` times in turn, in a process of its own, as the automation role (assumed
    through moto's STS); returns run_document's result of each run."""
    sts = moto.client("sts", s.region, creds=s.creds)
    creds = sts.assume_role(RoleArn=d.automation_role, RoleSessionName="e2e-automation")["Credentials"]
    partition = d.trail_arn.split(":")[1]
    env = clean_env({
        "AWS_ENDPOINT_URL": moto.endpoint,
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"],
        "AWS_DEFAULT_REGION": s.region,
    })
    request = json.dumps({"content": d.document, "parameters": d.parameters, "region": s.region,
                          "account_id": s.account, "partition": partition, "runs": runs})
    rc, out, err = run([sys.executable, str(HERE / "run_deployed_runbook.py")], cwd=ROOT, env=env, limit=RUNBOOK_S,
                       what=f"{label}: runbook", stdin=request)
    if rc != 0 or not out.strip():
        raise Failure(f"{label}: the runbook runner failed (exit {rc}): {(err or out).strip()[-2000:]}")
    answer = json.loads(out.strip().splitlines()[-1])
    role_name = d.automation_role.rsplit("/", 1)[-1]
    if answer.get("caller") != f"arn:{partition}:sts::{s.account}:assumed-role/{role_name}/e2e-automation":
        raise Failure(f"{label}: the runbook ran as {answer.get('caller')}, not the automation role of {s.account}")
    if len(answer.get("results") or []) != runs:
        raise Failure(f"{label}: the runner returned {len(answer.get('results') or [])} results, not {runs}")
    return answer["results"]


def recover(moto: Moto, tf: Terraform, s: Stack, d: Deployed, brk: Break) -> None:
    """Breaks the trail, runs the deployed runbook twice, and checks the trail, the second run and the plan.
    @throws Failure naming every check that did not hold (all of them, not only the first)."""
    label = f"{s.label}: {brk.name}"
    ct = moto.client("cloudtrail", s.region, account=s.account)
    brk.act(ct, d.baseline, moto=moto, stack=s)
    trail, logging, _rest = read_trail(ct, d.trail_arn)
    if not brk.took(trail, logging):
        raise Failure(f"{label}: moto did not take the break (trail {trail}, IsLogging {logging}); the recovery "
                      "would prove nothing")
    # Two runs in one process: the first repairs; the trail is read after both (the second, if right, changed nothing:
    # its calls below say so, and a trail it changed would differ from the baseline or fail the plan).
    first, second = run_runbook(moto, s, d, label, runs=2)
    if first.get("status") != "Success":
        raise Failure(f"{label}: the runbook ended {first.get('status')}: {first.get('failure')}; calls "
                      f"{first.get('calls')}")
    problems = []
    calls = first.get("calls") or []
    if brk.repair not in calls or NEVER_CALLED & set(calls):
        problems.append(f"the runbook's calls {calls} do not repair it with {brk.repair} "
                        f"(or include {sorted(NEVER_CALLED)})")
    if brk.repair != "CreateTrail" and "CreateTrail" in calls:
        problems.append(f"the runbook created a trail although one existed: {calls}")
    trail, logging, rest = read_trail(ct, d.trail_arn)
    if trail != d.baseline or logging is not True or rest != d.selectors:
        diffs = diff_paths(d.baseline, trail, None) + ([] if logging is True else [f"IsLogging: {logging}"]) + \
            diff_paths(d.selectors, rest, None)
        problems.append(f"after the runbook the trail is not back at the baseline: {'; '.join(diffs)}")
    writes = WRITE_CALLS & set(second.get("calls") or [])
    if second.get("status") != "Success" or writes:
        problems.append(f"a second run ended {second.get('status')} with write calls {sorted(writes)} "
                        f"({second.get('failure')})")
    try:
        tf.plan_is_empty(s.work, s.label, f"after the recovery from {brk.name}")
    except Failure as e:
        problems.append(str(e).removeprefix(f"{s.label}: "))
    if problems:
        raise Failure(f"{label}: " + "\n    ".join(problems))


# ----------------------------------------------------------------------------------------------------------------------
# One stack, one example, the run


@dataclass
class Result:
    label: str
    applied: bool = False
    planned_empty: bool = False
    recovered: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: Set once the apply ended (well or not): the stacks that read from this one wait for it.
    apply_ended: threading.Event = field(default_factory=threading.Event)


def run_stack(moto: Moto, tf: Terraform, s: Stack, res: Result) -> None:
    t0 = time.time()
    try:
        s.work.mkdir(parents=True)
        shutil.copytree(s.src, s.work, dirs_exist_ok=True)
        (s.work / "e2e_override.tf.json").write_text(json.dumps(override_for(s, moto.endpoint), indent=2))
        tf.init(s.work, s.label, s.awaited)
        for up in s.upstream:
            while not up.apply_ended.wait(1):
                _remaining(TF_APPLY_S, f"{s.label}: waiting for {up.label} to apply")
            if not up.applied:
                raise Failure(f"{s.label}: not applied: it reads from {up.label}, which did not apply")
        try:
            rc, out, err = tf(s.work, ["apply", "-auto-approve", "-input=false", "-no-color"], TF_APPLY_S,
                              f"{s.label}: terraform apply", s.awaited)
            if rc != 0:
                raise Failure(f"{s.label}: terraform apply failed: {errors_of(out + err)}")
            res.applied = True
        finally:
            res.apply_ended.set()
        m = re.search(r"Resources: (\d+) added", out)
        res.notes.append(f"applied {m.group(1) if m else '?'} resources ({time.time() - t0:.0f} s)")
        t1 = time.time()
        tf.plan_is_empty(s.work, s.label, "after the apply")
        res.planned_empty = True
        res.notes.append(f"plan empty ({time.time() - t1:.0f} s)")
        t1 = time.time()

        # What the stack declares prevent_destroy on, which must include the log bucket, the key and the trail.
        protected = sorted(f"{t}.{n}" for t, rs in s.tf.get("resource", {}).items() for n, r in rs.items()
                           if (r.get("lifecycle") or {}).get("prevent_destroy") is True)
        unprotected = [f"{t}.{n}" for t in PROTECTED_TYPES for n in s.resources(t) if f"{t}.{n}" not in protected]
        if unprotected:
            raise Failure(f"{s.label}: no prevent_destroy on {unprotected}")
        refused = refused_destroys(tf, s.work, s.label, protected)
        if sorted(refused) != protected:
            raise Failure(f"{s.label}: destroy was refused for {sorted(refused)}, expected exactly {protected}")
        res.notes.append(f"destroy refused for {', '.join(r.split('.')[0] for r in sorted(refused)) or 'nothing'} "
                         f"({time.time() - t1:.0f} s)")

        if not s.resources("aws_config_remediation_configuration"):
            res.notes.append("no remediation in this stack: no trail of its own to break")
            return
        t1 = time.time()
        deployed = read_deployed(moto, tf, s)
        for brk in BREAKS:
            try:
                recover(moto, tf, s, deployed, brk)
                res.recovered += 1
            except Failure as e:
                # Record it, put the stack back with terraform, and go on with the next break.
                res.failures.append(str(e))
                rc, out, err = tf(s.work, ["apply", "-auto-approve", "-input=false", "-no-color"], TF_APPLY_S,
                                  f"{s.label}: terraform apply (reset after {brk.name})")
                if rc != 0:
                    raise Failure(f"{s.label}: terraform apply after {brk.name} failed: {errors_of(out + err)}")
                deployed = read_deployed(moto, tf, s)
        res.notes.append(f"recovered from {res.recovered} of {len(BREAKS)} breaks ({time.time() - t1:.0f} s)")
    except Failure as e:
        res.failures.append(str(e))
    except Stopped as e:
        res.failures.append(str(e))
    except Exception as e:  # a bug in the harness or an unexpected moto answer: still one line, with its type
        res.failures.append(f"{s.label}: {type(e).__name__}: {e}")
    finally:
        res.apply_ended.set()
        res.seconds = time.time() - t0


_ACCOUNT_IN_ARN = re.compile(r"arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")


def upstream_of(stacks: list[Stack]) -> dict[str, list[str]]:
    """For each stack, the stacks it must wait for: a stack whose data sources read another account's resources (the
    central log archive's key, say) is applied after the stacks of that account have applied.
    @throws Failure when two stacks read each other's accounts (no order exists)"""
    by_account: dict[str, list[str]] = {}
    for s in stacks:
        by_account.setdefault(s.account, []).append(s.label)
    ups = {s.label: sorted({u for a in _ACCOUNT_IN_ARN.findall(json.dumps(s.tf.get("data", {})))
                            if a != s.account for u in by_account.get(a, [])}) for s in stacks}
    for label, us in ups.items():
        for u in us:
            if label in ups[u]:
                raise Failure(f"{label} and {u} read each other's accounts: no order to apply them in")
    return ups


def run_example(example: str, stacks: list[Stack], tf: Terraform, work: Path,
                results: dict[str, Result], pool: concurrent.futures.ThreadPoolExecutor) -> None:
    moto = Moto(example, work / f"moto-{example}.log")
    try:
        moto.start()
        prepare_world(moto, stacks)
        ups = upstream_of(stacks)
        futures = []
        for s in stacks:
            s.work = work / example / s.name
            s.upstream = [results[u] for u in ups[s.label]]
            s.awaited = any(s.label in us for us in ups.values())
            futures.append(pool.submit(run_stack, moto, tf, s, results[s.label]))
        for f in futures:
            f.result()
    except (Failure, Stopped) as e:
        for s in stacks:
            if not results[s.label].failures and not results[s.label].applied:
                results[s.label].failures.append(f"{s.label}: {e}")
    except Exception as e:
        for s in stacks:
            if not results[s.label].failures:
                results[s.label].failures.append(f"{s.label}: {type(e).__name__}: {e}")
    finally:
        moto.stop()


def main(argv: list[str]) -> int:
    global DEADLINE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synth", type=Path, required=True, help="folder of <example>/stacks/<stack>/cdk.tf.json")
    ap.add_argument("--work", type=Path, required=True, help="an empty folder of the e2e's own")
    ap.add_argument("--cli-config", type=Path, required=True, help="terraform CLI configuration for the mirror")
    ap.add_argument("--deadline", type=float, required=True, help="epoch seconds by which the run must end")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("E2E_JOBS", "3")))
    args = ap.parse_args(argv)
    DEADLINE = args.deadline

    def on_signal(signum, _frame):
        # The first signal stops the run where the main thread waits; a later one only confirms it.
        if not _STOPPING.is_set():
            _STOPPING.set()
            raise Stopped(f"signal {signum}")

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    import moto
    from moto_server import EXTENSIONS

    stacks = load_stacks(args.synth)
    digests = {s.label: tree_digest(s.src) for s in stacks}
    results = {s.label: Result(s.label) for s in stacks}
    for line in EXTENSIONS:
        SHORTFALLS.add(line)
    SHORTFALLS.add("moto runs no SSM Automation (no StartAutomationExecution; AWS Config and the EventBridge fast path "
                   "start nothing): the deployed document runs with runbook/local_automation.py")
    SHORTFALLS.add("moto does not evaluate IAM policies: the automation and deployment roles' permissions are proved by "
                   "the policy simulator tests (__tests__/policies), not here")
    packed = packed_mirror(args.cli_config)
    tf = Terraform(args.cli_config, args.work / "plugin-cache" if packed else None, args.jobs)
    print(f"e2e: moto {moto.__version__}, {len(stacks)} stacks of "
          f"{len({s.example for s in stacks})} examples, {args.jobs} terraform commands at a time, provider "
          f"{'from a plugin cache (packed mirror)' if packed else 'linked from the unpacked mirror'}", flush=True)

    by_example: dict[str, list[Stack]] = {}
    for s in stacks:
        by_example.setdefault(s.example, []).append(s)
    stack_pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(stacks)), thread_name_prefix="stack")
    example_pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(by_example)),
                                                         thread_name_prefix="example")
    interrupted = None
    try:
        futures = [example_pool.submit(run_example, ex, ss, tf, args.work, results, stack_pool)
                   for ex, ss in by_example.items()]
        pending = set(futures)
        while pending:
            _done, pending = concurrent.futures.wait(pending, timeout=1)
            if time.time() > DEADLINE:
                _STOPPING.set()
                interrupted = "the e2e ran out of its time budget"
                break
    except Stopped as e:
        interrupted = str(e)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # from here on a signal only marks the run as stopped
            signal.signal(sig, lambda *_: _STOPPING.set())
        if interrupted:
            _STOPPING.set()
        stop_all_children()
        example_pool.shutdown(wait=True, cancel_futures=True)
        stack_pool.shutdown(wait=True, cancel_futures=True)

    failures: list[str] = []
    for s in stacks:
        r = results[s.label]
        status = "FAILED" if r.failures else "ok"
        print(f"e2e: {s.label}: {status} in {r.seconds:.0f} s: {'; '.join(r.notes) or 'nothing done'}")
        failures += r.failures
        after = tree_digest(s.src)
        if after != digests[s.label]:
            failures.append(f"{s.label}: the synthesized stack changed during the e2e (SHA-256 {digests[s.label]} -> "
                            f"{after})")
        copy = s.work / "cdk.tf.json"
        if copy.exists() and hashlib.sha256(copy.read_bytes()).digest() != \
                hashlib.sha256((s.src / "cdk.tf.json").read_bytes()).digest():
            failures.append(f"{s.label}: the working copy's cdk.tf.json differs from the synthesized one")
    if interrupted:
        failures.append(f"e2e: interrupted: {interrupted}")
    for line in SHORTFALLS.lines:
        print(f"e2e: moto shortfall: {line}")
    for f in failures:
        print(f"e2e: FAIL: {f}")
    applied = sum(r.applied for r in results.values())
    empty = sum(r.planned_empty for r in results.values())
    recovered = sum(r.recovered for r in results.values())
    print(f"e2e: {applied} stacks applied, {empty} planned empty, {recovered} recovered, 0 skipped (none)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (Failure, Stopped, OSError, ValueError) as e:  # one line, never a stack trace
        stop_all_children()
        print(f"e2e: FAIL: {type(e).__name__}: {e}")
        print("e2e: 0 stacks applied, 0 planned empty, 0 recovered, 0 skipped (none)")
        sys.exit(1)
