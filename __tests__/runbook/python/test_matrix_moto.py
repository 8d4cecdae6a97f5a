"""The broken-state matrix, against moto 5.2.1 (mock_aws): the handler that SSM runs (runbook/remediate_trail.py)
brings each broken trail back to the baseline with exactly the expected write calls, and a second run writes nothing.

Where moto departs from AWS the case is in test_stubber.py instead, with responses shaped as the API reference shows
them. Two departures show here and are named where they matter:
- moto gives a new trail no event selectors, where AWS gives it read and write management events ("By default, trails
  created without specific event selectors are configured to log all read and write management events",
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html), so after CreateTrail the
  handler also calls PutEventSelectors here; test_stubber.py shows the AWS path without it.
- moto's GetTrail leaves out HomeRegion; the handler then takes the Region from the trail ARN.
"""

import pytest

pytest.importorskip("moto", reason="moto is not installed for this python3")
from moto import mock_aws

from estate import ACCOUNT, BUCKET, OTHER_BUCKET, PREFIX, REGION, TRAIL, TRAIL_ARN, Estate

S3_DATA = [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::data-bucket/"]}]
MGMT_ADVANCED = {"Name": "Management events (cloudtrail-guard)", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
DATA_ADVANCED = {
    "Name": "S3 data events",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
    ],
}


@pytest.fixture
def estate(call_log):
    with mock_aws():
        e = Estate()
        e.log = call_log
        yield e


def run(rt, estate, **params):
    estate.recorder.clear()
    out = rt.remediate(estate.params(**params), estate.cloudtrail, estate.kms, sleep=lambda s: None)
    estate.log(estate.recorder.names)
    return out


def assert_baseline(estate, prefix=PREFIX, sns_arn=None, cwl=None, org=False):
    t = estate.trail()
    assert t["TrailARN"] == TRAIL_ARN
    assert t["S3BucketName"] == BUCKET
    assert (t.get("S3KeyPrefix") or "") == prefix
    assert t["KmsKeyId"] == estate.key_arn
    assert t["IsMultiRegionTrail"] is True
    assert t["IncludeGlobalServiceEvents"] is True
    assert t["LogFileValidationEnabled"] is True
    assert t["IsOrganizationTrail"] is org
    assert (t.get("SnsTopicARN") or "") == (sns_arn or "")
    assert (t.get("CloudWatchLogsLogGroupArn") or "") == (cwl[0] if cwl else "")
    assert (t.get("CloudWatchLogsRoleArn") or "") == (cwl[1] if cwl else "")
    assert estate.logging() is True


def assert_idempotent(rt, estate, **params):
    out = run(rt, estate, **params)
    assert estate.recorder.writes == []
    assert out["Changed"] is False
    assert out["WriteCalls"] == "none"
    assert out["Summary"] == "compliant: no change"


def test_compliant_trail_gets_no_write(rt, estate):
    estate.compliant_trail()
    out = run(rt, estate)
    assert estate.recorder.writes == []
    assert estate.recorder.names == ["GetTrail", "GetEventSelectors", "GetTrailStatus", "GetTrail", "GetEventSelectors", "GetTrailStatus"]
    assert out == {"TrailARN": TRAIL_ARN, "Changed": False, "WriteCalls": "none", "Summary": "compliant: no change"}


def test_absent_trail_is_created_under_its_name(rt, estate):
    out = run(rt, estate)
    # moto: a new trail has no selectors, hence PutEventSelectors (see the module docstring).
    assert estate.recorder.writes == ["CreateTrail", "PutEventSelectors", "StartLogging"]
    create = next(body for name, body in estate.recorder.calls if name == "CreateTrail")
    assert out["WriteCalls"] == "CreateTrail,PutEventSelectors,StartLogging"
    assert out["Changed"] is True
    assert_baseline(estate)
    assert estate.selectors() == ([{"ReadWriteType": "All", "IncludeManagementEvents": True}], [])
    assert create is None or create.get("Name") == TRAIL
    assert_idempotent(rt, estate)


def test_stopped_trail_takes_exactly_start_logging(rt, estate):
    ct = estate.compliant_trail()
    ct.stop_logging(Name=TRAIL)
    out = run(rt, estate)
    assert estate.recorder.writes == ["StartLogging"]
    assert out["WriteCalls"] == "StartLogging"
    assert out["Summary"] == "StartLogging"
    assert_baseline(estate)
    assert_idempotent(rt, estate)


SETTING_CASES = [
    # (id, UpdateTrail members that break it, params, members the handler must send)
    ("wrong bucket", {"S3BucketName": OTHER_BUCKET}, {}, ["S3BucketName", "S3KeyPrefix"]),
    ("wrong prefix", {"S3KeyPrefix": "other"}, {}, ["S3BucketName", "S3KeyPrefix"]),
    ("no prefix where one is wanted", {"S3KeyPrefix": ""}, {}, ["S3BucketName", "S3KeyPrefix"]),
    ("validation off", {"EnableLogFileValidation": False}, {}, ["EnableLogFileValidation"]),
    ("global service events off", {"IsMultiRegionTrail": False, "IncludeGlobalServiceEvents": False}, {},
     ["IncludeGlobalServiceEvents", "IsMultiRegionTrail"]),
    ("single-Region", {"IsMultiRegionTrail": False}, {}, ["IncludeGlobalServiceEvents", "IsMultiRegionTrail"]),
    ("organization flag wrong", {"IsOrganizationTrail": True}, {}, ["IsOrganizationTrail"]),
]


@pytest.mark.parametrize("case,breaks,params,sent", SETTING_CASES, ids=[c[0] for c in SETTING_CASES])
def test_drifted_setting_is_restored_with_one_update_trail(rt, estate, case, breaks, params, sent):
    ct = estate.compliant_trail()
    ct.update_trail(Name=TRAIL, **breaks)
    run(rt, estate, **params)
    assert estate.recorder.writes == ["UpdateTrail"]
    body = estate.recorder.calls[[n for n, _ in estate.recorder.calls].index("UpdateTrail")]
    assert body[0] == "UpdateTrail"
    assert_baseline(estate)
    assert_idempotent(rt, estate)


def test_update_trail_sends_only_the_drifted_members(rt, estate):
    ct = estate.compliant_trail()
    ct.update_trail(Name=TRAIL, EnableLogFileValidation=False, S3BucketName=OTHER_BUCKET)
    out = run(rt, estate)
    assert out["Summary"] == "UpdateTrail(EnableLogFileValidation, S3BucketName, S3KeyPrefix)"
    assert_baseline(estate)


def test_prefix_where_none_is_wanted_is_removed(rt, estate):
    estate.compliant_trail()
    out = run(rt, estate, S3KeyPrefix="")
    assert estate.recorder.writes == ["UpdateTrail"]
    assert out["Summary"] == "UpdateTrail(S3BucketName, S3KeyPrefix)"
    assert_baseline(estate, prefix="")
    assert_idempotent(rt, estate, S3KeyPrefix="")


@pytest.mark.parametrize("case", ["wrong key", "no key"])
def test_key_is_restored(rt, estate, case):
    ct = estate.compliant_trail()
    ct.update_trail(Name=TRAIL, KmsKeyId=estate.other_key_arn if case == "wrong key" else "")
    out = run(rt, estate)
    assert estate.recorder.writes == ["UpdateTrail"]
    assert out["Summary"] == "UpdateTrail(KmsKeyId)"
    assert_baseline(estate)
    assert_idempotent(rt, estate)


@pytest.mark.parametrize("alias", ["arn", "name"])
def test_key_given_as_an_alias_of_the_same_key_is_compliant(rt, estate, alias):
    # moto keeps KmsKeyId as given (AWS returns the key ARN); the handler resolves it with kms:DescribeKey.
    key_id = estate.alias_arn if alias == "arn" else "alias/cloudtrail-logs"
    estate.compliant_trail(KmsKeyId=key_id)
    run(rt, estate)
    assert estate.recorder.writes == []
    assert "DescribeKey" in estate.recorder.names


def test_alias_of_another_key_is_replaced_by_the_key_arn(rt, estate):
    import boto3

    boto3.client("kms", region_name=REGION).create_alias(AliasName="alias/other", TargetKeyId=estate.other_key_arn)
    estate.compliant_trail(KmsKeyId="alias/other")
    run(rt, estate)
    assert estate.recorder.writes == ["UpdateTrail"]
    assert_baseline(estate)


MGMT_CASES = [
    ("write-only management events", [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]),
    ("read-only management events", [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]),
    ("management events off", [{"ReadWriteType": "All", "IncludeManagementEvents": False, "DataResources": []}]),
    ("KMS events excluded", [{"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]),
    ("RDS Data API events excluded", [{"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": ["rdsdata.amazonaws.com"]}]),
]


@pytest.mark.parametrize("case,selectors", MGMT_CASES, ids=[c[0] for c in MGMT_CASES])
def test_weakened_management_events_are_restored(rt, estate, case, selectors):
    ct = estate.compliant_trail()
    ct.put_event_selectors(TrailName=TRAIL, EventSelectors=selectors)
    run(rt, estate)
    assert estate.recorder.writes == ["PutEventSelectors"]
    assert estate.selectors() == ([{"ReadWriteType": "All", "IncludeManagementEvents": True}], [])
    assert_baseline(estate)
    assert_idempotent(rt, estate)


def test_data_events_with_full_management_events_are_kept(rt, estate):
    ct = estate.compliant_trail()
    selectors = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": S3_DATA}]
    ct.put_event_selectors(TrailName=TRAIL, EventSelectors=selectors)
    run(rt, estate)
    assert estate.recorder.writes == []
    assert estate.selectors()[0] == selectors


def test_data_events_are_kept_when_management_events_are_restored(rt, estate):
    ct = estate.compliant_trail()
    ct.put_event_selectors(TrailName=TRAIL, EventSelectors=[
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": S3_DATA},
    ])
    run(rt, estate)
    assert estate.recorder.writes == ["PutEventSelectors"]
    assert estate.selectors() == ([
        {"ReadWriteType": "All", "IncludeManagementEvents": True},
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": False, "DataResources": S3_DATA},
    ], [])
    assert_idempotent(rt, estate)


def test_separate_read_and_write_selectors_cover_management_events(rt, estate):
    ct = estate.compliant_trail()
    ct.put_event_selectors(TrailName=TRAIL, EventSelectors=[
        {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True},
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True},
    ])
    run(rt, estate)
    assert estate.recorder.writes == []


def test_advanced_selectors_with_full_management_events_are_kept(rt, estate):
    ct = estate.compliant_trail()
    ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=[MGMT_ADVANCED, DATA_ADVANCED])
    run(rt, estate)
    assert estate.recorder.writes == []
    assert estate.selectors()[1] == [MGMT_ADVANCED, DATA_ADVANCED]


WEAKENED_ADVANCED = [
    ("read-only", {"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["true"]}]}),
    ("write-only", {"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]}),
    ("KMS excluded", {"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]}),
    ("one event source only", {"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]}]}),
]


@pytest.mark.parametrize("case,weak", WEAKENED_ADVANCED, ids=[c[0] for c in WEAKENED_ADVANCED])
def test_weakened_advanced_management_selector_is_replaced_and_data_selectors_kept(rt, estate, case, weak):
    ct = estate.compliant_trail()
    ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=[weak, DATA_ADVANCED])
    run(rt, estate)
    assert estate.recorder.writes == ["PutEventSelectors"]
    assert estate.selectors() == ([], [MGMT_ADVANCED, DATA_ADVANCED])
    assert_idempotent(rt, estate)


def test_advanced_selectors_without_management_events_get_one(rt, estate):
    ct = estate.compliant_trail()
    ct.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=[DATA_ADVANCED])
    run(rt, estate)
    assert estate.recorder.writes == ["PutEventSelectors"]
    assert estate.selectors() == ([], [MGMT_ADVANCED, DATA_ADVANCED])
    assert_idempotent(rt, estate)


def test_sns_topic_missing_or_wrong_is_restored(rt, estate):
    ct = estate.compliant_trail()
    run(rt, estate, SnsTopicARN=estate.topic_arn)
    assert estate.recorder.writes == ["UpdateTrail"]
    assert_baseline(estate, sns_arn=estate.topic_arn)
    ct.update_trail(Name=TRAIL, SnsTopicName="someone-elses-topic")
    run(rt, estate, SnsTopicARN=estate.topic_arn)
    assert estate.recorder.writes == ["UpdateTrail"]
    assert_baseline(estate, sns_arn=estate.topic_arn)
    assert_idempotent(rt, estate, SnsTopicARN=estate.topic_arn)


def test_unwanted_sns_topic_is_removed(rt, estate):
    estate.compliant_trail(SnsTopicName="someone-elses-topic")
    run(rt, estate)
    assert estate.recorder.writes == ["UpdateTrail"]
    assert_baseline(estate)


@pytest.mark.parametrize("case", ["missing", "wrong group", "wrong role"])
def test_cloudwatch_logs_delivery_is_restored(rt, estate, case):
    cwl = (estate.log_group_arn, estate.cwl_role_arn)
    ct = estate.compliant_trail()
    if case == "wrong group":
        ct.update_trail(Name=TRAIL, CloudWatchLogsLogGroupArn=estate.other_log_group_arn, CloudWatchLogsRoleArn=estate.cwl_role_arn)
    if case == "wrong role":
        ct.update_trail(Name=TRAIL, CloudWatchLogsLogGroupArn=estate.log_group_arn, CloudWatchLogsRoleArn=estate.other_role_arn)
    out = run(rt, estate, CloudWatchLogsLogGroupArn=cwl[0], CloudWatchLogsRoleArn=cwl[1])
    assert estate.recorder.writes == ["UpdateTrail"]
    assert out["Summary"] == "UpdateTrail(CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn)"
    assert_baseline(estate, cwl=cwl)
    assert_idempotent(rt, estate, CloudWatchLogsLogGroupArn=cwl[0], CloudWatchLogsRoleArn=cwl[1])


def test_absent_trail_is_created_with_sns_and_cloudwatch_logs_in_one_call(rt, estate):
    cwl = (estate.log_group_arn, estate.cwl_role_arn)
    run(rt, estate, SnsTopicARN=estate.topic_arn, CloudWatchLogsLogGroupArn=cwl[0], CloudWatchLogsRoleArn=cwl[1])
    assert estate.recorder.writes == ["CreateTrail", "PutEventSelectors", "StartLogging"]
    assert_baseline(estate, sns_arn=estate.topic_arn, cwl=cwl)


def test_everything_broken_at_once(rt, estate):
    ct = estate.compliant_trail()
    ct.update_trail(Name=TRAIL, S3BucketName=OTHER_BUCKET, KmsKeyId="", EnableLogFileValidation=False, IsMultiRegionTrail=False)
    ct.put_event_selectors(TrailName=TRAIL, EventSelectors=[{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}])
    ct.stop_logging(Name=TRAIL)
    out = run(rt, estate)
    assert estate.recorder.writes == ["UpdateTrail", "PutEventSelectors", "StartLogging"]
    assert out["WriteCalls"] == "UpdateTrail,PutEventSelectors,StartLogging"
    assert_baseline(estate)
    assert_idempotent(rt, estate)


def test_a_trail_of_the_same_name_in_another_region_is_never_touched(rt, estate):
    # A multi-Region trail of the same name homed in us-west-2 shadows into us-east-1. Read by ARN, it never answers
    # for the guarded trail; moto then lets CreateTrail make the home trail (AWS may refuse: test_stubber.py).
    import boto3

    west = boto3.client("cloudtrail", region_name="us-west-2")
    west.create_trail(Name=TRAIL, S3BucketName=OTHER_BUCKET, IsMultiRegionTrail=True)
    run(rt, estate)
    assert estate.recorder.writes[0] == "CreateTrail"
    assert_baseline(estate)
    w = west.get_trail(Name=f"arn:aws:cloudtrail:us-west-2:{ACCOUNT}:trail/{TRAIL}")["Trail"]
    assert w["S3BucketName"] == OTHER_BUCKET


def test_the_handler_never_deletes_stops_or_renames(rt, estate):
    # Every case above, together: no DeleteTrail, StopLogging, or a trail of another name, ever.
    ct = estate.compliant_trail()
    ct.stop_logging(Name=TRAIL)
    ct.update_trail(Name=TRAIL, S3BucketName=OTHER_BUCKET)
    run(rt, estate)
    assert not {"DeleteTrail", "StopLogging"} & set(estate.recorder.names)
    names = [t["Name"] for t in ct.describe_trails()["trailList"]]
    assert names == [TRAIL]


def test_a_re_created_trail_carries_the_stack_s_tags(rt, estate):
    import json

    import boto3

    tags = [json.dumps({"Key": k, "Value": v}) for k, v in (("cloudtrail-guard:stack", "s1"), ("team", "security"))]
    run(rt, estate, TrailTags=tags)
    assert estate.recorder.writes == ["CreateTrail", "PutEventSelectors", "StartLogging"]
    listed = boto3.client("cloudtrail", region_name=REGION).list_tags(ResourceIdList=[TRAIL_ARN])["ResourceTagList"][0]["TagsList"]
    assert sorted((t["Key"], t["Value"]) for t in listed) == [("cloudtrail-guard:stack", "s1"), ("team", "security")]
    # The tags of an existing trail are Terraform's: a second run sends none.
    assert_idempotent(rt, estate, TrailTags=tags)
