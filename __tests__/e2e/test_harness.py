"""Checks of the e2e harness itself (run by tools/e2e.ts before the e2e): the override it writes, how it reads the
remediation parameters and a plan, and the moto extensions (against moto in the process, mock_aws). These are not
evidence about AWS; they keep the harness honest about what it claims to do."""
import json
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).resolve().parent))

import e2e  # noqa: E402
import moto_server  # noqa: E402,F401  (patches moto's classes on import)


def stack(resources, role_arn="arn:aws:iam::222222222222:role/terraform-deploy"):
    tf = {
        "terraform": {"backend": {"s3": {"bucket": "state", "key": "k", "region": "us-east-1"}}},
        "provider": {"aws": [{"region": "eu-west-1", "allowed_account_ids": ["222222222222"],
                              "assume_role": [{"role_arn": role_arn, "session_name": "cloudtrail-guard"}]}]},
        "resource": resources,
    }
    s = e2e.Stack(example="ex", name="st", src=Path("."), tf=tf, account="222222222222", region="eu-west-1",
                  role_arn=role_arn)
    s.creds = {"AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "secret"}
    return s


def test_override_points_every_service_of_the_stack_at_moto_and_replaces_the_backend():
    s = stack({"aws_s3_bucket": {"b": {}}, "aws_cloudtrail": {"t": {}}, "aws_cloudwatch_event_rule": {"r": {}},
               "aws_config_config_rule": {"c": {}}})
    o = e2e.override_for(s, "http://127.0.0.1:4567")
    assert o["terraform"] == {"backend": {"local": {"path": "terraform.tfstate"}}}
    p = o["provider"]["aws"]
    assert p["endpoints"] == [{k: "http://127.0.0.1:4567" for k in
                               ["cloudtrail", "configservice", "events", "iam", "s3", "sts"]}]
    assert (p["access_key"], p["secret_key"], p["s3_use_path_style"]) == ("AKIAEXAMPLE", "secret", True)
    # assume_role and allowed_account_ids are the stack's own: the override leaves them out, so they stay.
    assert "assume_role" not in p and "allowed_account_ids" not in p and "resource" not in o


def test_override_maps_scp_targets_and_an_unknown_service_is_an_error():
    s = stack({"aws_organizations_policy_attachment": {"a": {"target_id": "r-ab12"}}})
    s.target_ids = {"a": "r-xyz9"}
    o = e2e.override_for(s, "http://127.0.0.1:1")
    assert o["resource"] == {"aws_organizations_policy_attachment": {"a": {"target_id": "r-xyz9"}}}
    with pytest.raises(e2e.Failure, match="no moto endpoint is configured for aws_lambda_function"):
        e2e.override_for(stack({"aws_lambda_function": {"f": {}}}), "http://127.0.0.1:1")


def test_remediation_parameters_as_aws_config_sends_them():
    resource = {"values": {"parameter": [
        {"name": "TrailName", "static_value": "org-audit", "static_values": [], "resource_value": ""},
        {"name": "Regions", "static_value": "", "static_values": ["a", "b"], "resource_value": ""},
        {"name": "Account", "static_value": "", "static_values": [], "resource_value": "RESOURCE_ID"},
    ]}}
    assert e2e.remediation_parameters(resource, "111111111111") == {
        "TrailName": "org-audit", "Regions": ["a", "b"], "Account": "111111111111"}
    with pytest.raises(e2e.Failure, match="Empty has no value"):
        e2e.remediation_parameters({"values": {"parameter": [{"name": "Empty"}]}}, "111111111111")


def test_plan_changes_name_each_changed_attribute():
    plan = {"resource_changes": [
        {"address": "aws_cloudtrail.t", "change": {"actions": ["update"],
                                                   "before": {"tags_all": {}, "name": "x"},
                                                   "after": {"tags_all": {"k": "v"}, "name": "x"},
                                                   "after_unknown": {}}},
        {"address": "aws_s3_bucket.b", "change": {"actions": ["no-op"], "before": {}, "after": {}}},
    ], "output_changes": {"trail_arn": {"actions": ["no-op"]}}}
    assert e2e.plan_changes(plan) == ['aws_cloudtrail.t: update: tags_all.k: null -> "v"']
    assert e2e.diff_paths({"a": [1, 2]}, {"a": [1, 3]}, None) == ["a[1]: 2 -> 3"]
    assert e2e.diff_paths({"id": "1"}, {"id": None}, {"id": True}) == ['id: "1" -> (known after apply)']


def test_trail_reads_normalise_only_what_aws_leaves_open():
    assert e2e._present({"S3KeyPrefix": "", "SnsTopicName": None, "KmsKeyId": "arn:k", "IsLogging": False}) == {
        "KmsKeyId": "arn:k", "IsLogging": False}
    got = e2e._normal_selectors({"ResponseMetadata": {}, "TrailARN": "arn:t",
                                 "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]})
    assert got == {"TrailARN": "arn:t", "AdvancedEventSelectors": [], "EventSelectors": [
        {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
         "ExcludeManagementEventSources": []}]}


@mock_aws
def test_moto_extension_cloudtrail_by_arn_and_tags_go_with_the_trail():
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="e2e-harness-bucket")
    ct = boto3.client("cloudtrail", region_name="us-east-1")
    arn = ct.create_trail(Name="harness-trail", S3BucketName="e2e-harness-bucket",
                          TagsList=[{"Key": "k", "Value": "v"}])["TrailARN"]
    ct.start_logging(Name=arn)
    assert ct.get_trail_status(Name=arn)["IsLogging"] is True
    ct.stop_logging(Name=arn)
    assert ct.get_trail_status(Name=arn)["IsLogging"] is False
    ct.delete_trail(Name=arn)
    assert ct.describe_trails()["trailList"] == []
    ct.create_trail(Name="harness-trail", S3BucketName="e2e-harness-bucket")
    assert ct.list_tags(ResourceIdList=[arn])["ResourceTagList"] == [{"ResourceId": arn, "TagsList": []}]


@mock_aws
def test_moto_extension_remediation_configurations_round_trip():
    cfg = boto3.client("config", region_name="us-east-1")
    item = {"ConfigRuleName": "cloudtrail-enabled", "TargetType": "SSM_DOCUMENT", "TargetId": "doc",
            "Parameters": {"TrailName": {"StaticValue": {"Values": ["org-audit"]}}}, "Automatic": True,
            "MaximumAutomaticAttempts": 5, "RetryAttemptSeconds": 60}
    with pytest.raises(cfg.exceptions.NoSuchConfigRuleException):
        cfg.put_remediation_configurations(RemediationConfigurations=[item])
    cfg.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::123456789012:role/r"})
    cfg.put_config_rule(ConfigRule={"ConfigRuleName": "cloudtrail-enabled", "MaximumExecutionFrequency": "One_Hour",
                                    "Source": {"Owner": "AWS", "SourceIdentifier": "CLOUD_TRAIL_ENABLED"}})
    assert cfg.put_remediation_configurations(RemediationConfigurations=[item])["FailedBatches"] == []
    [got] = cfg.describe_remediation_configurations(ConfigRuleNames=["cloudtrail-enabled"])["RemediationConfigurations"]
    assert {k: v for k, v in got.items() if k != "Arn"} == item
    assert got["Arn"].startswith("arn:aws:config:us-east-1:123456789012:remediation-configuration/cloudtrail-enabled/")
    cfg.delete_remediation_configuration(ConfigRuleName="cloudtrail-enabled")
    assert cfg.describe_remediation_configurations(ConfigRuleNames=["cloudtrail-enabled"])[
        "RemediationConfigurations"] == []
    with pytest.raises(cfg.exceptions.NoSuchRemediationConfigurationException):
        cfg.delete_remediation_configuration(ConfigRuleName="cloudtrail-enabled")


def test_packed_mirror_is_told_from_the_cli_config(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64").mkdir(parents=True)
    cli = tmp_path / "cli.tfrc"
    cli.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(str(mirror))}\n  }}\n}}\n')
    assert e2e.packed_mirror(cli) is False
    (mirror / "registry.terraform.io/hashicorp/aws/terraform-provider-aws_5.100.0_linux_amd64.zip").write_bytes(b"")
    assert e2e.packed_mirror(cli) is True


def test_a_stack_that_reads_another_accounts_resources_waits_for_that_accounts_stacks():
    archive = stack({"aws_s3_bucket": {"b": {}}})
    archive.account, archive.name = "444444444444", "archive"
    member = stack({"aws_cloudtrail": {"t": {}}})
    member.tf["data"] = {"aws_kms_key": {"k": {"key_id": "arn:aws:kms:eu-west-1:444444444444:alias/archive"}}}
    own = stack({})
    own.account, own.name = "333333333333", "own"
    own.tf["data"] = {"aws_caller_identity": {"me": {}}, "aws_iam_role": {"r": {"name": "arn:aws:iam::333333333333:role/x"}}}
    assert e2e.upstream_of([archive, member, own]) == {"ex/archive": [], "ex/st": ["ex/archive"], "ex/own": []}
    archive.tf["data"] = {"aws_iam_role": {"r": {"name": "arn:aws:iam::222222222222:role/x"}}}
    with pytest.raises(e2e.Failure, match="read each other's accounts"):
        e2e.upstream_of([archive, member])


@mock_aws
def test_moto_extension_reads_across_accounts_and_keeps_the_rotation_period():
    from moto.core import DEFAULT_ACCOUNT_ID
    import os
    os.environ["MOTO_ACCOUNT_ID"] = "444444444444"
    try:
        kms = boto3.client("kms", region_name="eu-west-1")
        key = kms.create_key()["KeyMetadata"]
        kms.create_alias(AliasName="alias/archive", TargetKeyId=key["KeyId"])
        kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=180)
        assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 180
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="e2e-archive-bucket")
    finally:
        del os.environ["MOTO_ACCOUNT_ID"]
    # Now as the default account: the archive's key by alias ARN and key ARN, and a trail into its bucket.
    kms = boto3.client("kms", region_name="eu-west-1")
    got = kms.describe_key(KeyId="arn:aws:kms:eu-west-1:444444444444:alias/archive")["KeyMetadata"]
    assert got["Arn"] == key["Arn"] and got["AWSAccountId"] == "444444444444"
    assert kms.describe_key(KeyId=key["Arn"])["KeyMetadata"]["KeyId"] == key["KeyId"]
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId="arn:aws:kms:eu-west-1:444444444444:alias/none")
    ct = boto3.client("cloudtrail", region_name="us-east-1")
    trail = ct.create_trail(Name="member-trail", S3BucketName="e2e-archive-bucket")
    assert trail["S3BucketName"] == "e2e-archive-bucket" and f":{DEFAULT_ACCOUNT_ID}:" in trail["TrailARN"]
    with pytest.raises(ct.exceptions.S3BucketDoesNotExistException):
        ct.create_trail(Name="member-trail-2", S3BucketName="e2e-no-such-bucket")
