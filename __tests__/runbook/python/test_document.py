"""The whole document, as the stacks deploy it, run against moto: the script step and the last
aws:assertAwsResourceProperty step (IsLogging compared with "True", as SSM documents). The document is the one
modules/runbook-document.ts renders (tools/render-runbook.ts), so this is the content SSM gets."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("moto", reason="moto is not installed for this python3")
import yaml
from moto import mock_aws

from estate import ACCOUNT, REGION, TRAIL, TRAIL_ARN, Estate

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "runbook"))
import local_automation  # noqa: E402


@pytest.fixture(scope="module")
def deployed():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on the PATH: the deployed document is rendered by modules/runbook-document.ts")
    out = subprocess.run([node, "--import", "tsx", "tools/render-runbook.ts"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    return out.stdout


def test_the_python_renderer_gives_the_deployed_document(deployed):
    template = ROOT / "runbook" / "cloudtrail-remediation-action.yml"
    assert local_automation.render_template(str(template)) == yaml.safe_load(deployed)
    script = yaml.safe_load(deployed)["mainSteps"][0]["inputs"]["Script"]
    assert script == (ROOT / "runbook" / "remediate_trail.py").read_text(encoding="utf-8")


def params(estate):
    p = {k: v for k, v in estate.params().items() if k not in ("Region", "AccountId", "Partition")}
    p["AutomationAssumeRole"] = f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-guard-automation-{REGION}"
    return {k: v for k, v in p.items() if v != ""}


def test_a_stopped_trail_comes_back_and_the_execution_ends_success(deployed):
    import boto3

    with mock_aws():
        estate = Estate()
        estate.compliant_trail().stop_logging(Name=TRAIL)
        r = local_automation.run_document(deployed, params(estate), region=REGION, account_id=ACCOUNT,
                                          session=boto3.session.Session(region_name=REGION))
        assert r["status"] == "Success", r["failure"]
        assert r["steps"] == ["RemediateTrail", "VerifyLogging"]
        assert r["outputs"] == {"RemediateTrail.TrailARN": TRAIL_ARN, "RemediateTrail.Changed": True,
                                "RemediateTrail.WriteCalls": "StartLogging", "RemediateTrail.Summary": "StartLogging"}
        assert [c for c in r["calls"] if c in ("StartLogging", "UpdateTrail", "CreateTrail", "PutEventSelectors")] == ["StartLogging"]
        assert r["calls"][-1] == "GetTrailStatus"  # VerifyLogging
        again = local_automation.run_document(deployed, params(estate), region=REGION, account_id=ACCOUNT,
                                              session=boto3.session.Session(region_name=REGION))
        assert again["status"] == "Success"
        assert again["outputs"]["RemediateTrail.WriteCalls"] == "none"


def test_the_old_lower_case_assertion_would_have_failed_every_run(deployed):
    # The reason for issue 8: with DesiredValues "true" the documented comparison ("True") fails even a compliant trail.
    import boto3

    doc = yaml.safe_load(deployed)
    doc["mainSteps"][1]["inputs"]["DesiredValues"] = ["true"]
    with mock_aws():
        estate = Estate()
        estate.compliant_trail()
        r = local_automation.run_document(doc, params(estate), region=REGION, account_id=ACCOUNT,
                                          session=boto3.session.Session(region_name=REGION))
        assert r["status"] == "Failed"
        assert r["failure"] == "step VerifyLogging: $.IsLogging is 'True', not one of ['true']"


def test_a_refused_boolean_never_starts_the_execution(deployed):
    with mock_aws():
        estate = Estate()
        r = local_automation.run_document(deployed, {**params(estate), "IsMultiRegionTrail": "True"}, region=REGION, account_id=ACCOUNT)
        assert r["status"] == "Failed"
        assert r["failure"] == "StartAutomationExecution refused the parameters: IsMultiRegionTrail: 'True' is not true or false"
        assert r["calls"] == []


def test_a_failed_script_ends_the_execution_failed_with_its_message(deployed):
    import boto3

    with mock_aws():
        estate = Estate()
        p = {**params(estate), "S3BucketName": "no-such-bucket"}
        r = local_automation.run_document(deployed, p, region=REGION, account_id=ACCOUNT, session=boto3.session.Session(region_name=REGION))
        assert r["status"] == "Failed"
        assert r["steps"] == ["RemediateTrail"]
        assert r["failure"].startswith("step RemediateTrail: RemediationError: CreateTrail on trail org-audit failed with S3BucketDoesNotExistException")


def test_cli_dry_run_prints_the_one_write_for_a_stopped_trail():
    args = [sys.executable, "runbook/cli.py", "--dry-run", "--assume-state", "stopped", "--region", "us-east-1",
            "--param", "AutomationAssumeRole=arn:aws:iam::123456789012:role/cloudtrail-guard-automation-us-east-1",
            "--param", "TrailName=org-audit", "--param", "S3BucketName=ct-logs-123456789012", "--param", "S3KeyPrefix=logs",
            "--param", "KmsKeyId=arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "runbook (dry run on moto from state stopped, account 123456789012): Success"
    assert "  write calls: StartLogging" in lines
    assert "  RemediateTrail.WriteCalls: StartLogging" in lines


@pytest.mark.parametrize("state,writes", [("absent", "CreateTrail PutEventSelectors StartLogging"), ("compliant", "none"),
                                          ("wrong-bucket", "UpdateTrail"), ("write-only-events", "PutEventSelectors")])
def test_cli_dry_run_for_each_state_prints_the_api_calls(state, writes):
    args = [sys.executable, "runbook/cli.py", "--dry-run", "--assume-state", state, "--region", "us-east-1",
            "--param", "AutomationAssumeRole=arn:aws:iam::123456789012:role/a", "--param", "TrailName=org-audit",
            "--param", "S3BucketName=ct-logs-123456789012",
            "--param", "KmsKeyId=arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    print(out.stdout)
    assert out.returncode == 0, out.stderr
    assert f"  write calls: {writes}" in out.stdout.splitlines()


def test_cli_usage_errors_are_one_line_and_exit_2():
    out = subprocess.run([sys.executable, "runbook/cli.py", "--region", "us-east-1", "--param", "TrailName"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr == "runbook: --param 'TrailName': Name=Value\n"


@pytest.mark.parametrize("args,message", [
    (["--region", "not-a-region", "--param", "TrailName=x"], "runbook: --region 'not-a-region': a Region such as us-east-1\n"),
    (["--region", "us-east-1", "--dry-run", "--param", "TrailName=a"], "runbook: --param S3BucketName=... is required for a dry run (one value)\n"),
    (["--region", "us-east-1", "--param", "=x"], "runbook: --param '=x': the name is 1 to 50 letters, digits or _\n"),
    (["--region", "us-east-1", "--account-id", "abc"], "runbook: --account-id 'abc': 12 digits\n"),
    (["--region", "us-east-1", "--dry-run", "--file", "/etc/hostname"], None),
])
def test_cli_refuses_bad_arguments_in_one_line_with_exit_2(args, message):
    out = subprocess.run([sys.executable, "runbook/cli.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert len(out.stderr.splitlines()) == 1
    if message:
        assert out.stderr == message
