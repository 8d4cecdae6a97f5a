"""The handler where moto departs from AWS: botocore's Stubber answers with responses shaped as the CloudTrail API
reference shows them (pages cited per case). Each case asserts the exact calls, in order, with their members for the
write calls (the Stubber fails the test on any call it was not told to expect)."""

import datetime

import boto3
import pytest
from botocore.config import Config
from botocore.stub import ANY, Stubber

ACCOUNT = "111111111111"
REGION = "us-east-1"
TRAIL = "org-audit"
ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BUCKET = "ct-logs-111111111111"


def params(**over):
    p = {
        "TrailName": TRAIL, "S3BucketName": BUCKET, "S3KeyPrefix": "logs", "KmsKeyId": KEY,
        "IsMultiRegionTrail": "true", "IsOrganizationTrail": "false", "IncludeGlobalServiceEvents": "true",
        "EnableLogFileValidation": "true", "SnsTopicARN": "", "CloudWatchLogsLogGroupArn": "", "CloudWatchLogsRoleArn": "",
        "Region": REGION, "AccountId": ACCOUNT, "Partition": "aws",
    }
    p.update(over)
    return p


def trail(**over):
    """A GetTrail Trail as https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrail.html shows it
    (HomeRegion included, KmsKeyId the key ARN)."""
    t = {
        "Name": TRAIL, "S3BucketName": BUCKET, "S3KeyPrefix": "logs", "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": True, "HomeRegion": REGION, "TrailARN": ARN, "LogFileValidationEnabled": True,
        "KmsKeyId": KEY, "HasCustomEventSelectors": False, "HasInsightSelectors": False, "IsOrganizationTrail": False,
    }
    t.update(over)
    return {k: v for k, v in t.items() if v is not None}


#: GetEventSelectors of a trail with the default selectors (API_GetEventSelectors.html, API_EventSelector.html).
DEFAULT_SELECTORS = {"TrailARN": ARN, "EventSelectors": [
    {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}]}
LOGGING = {"IsLogging": True, "StartLoggingTime": datetime.datetime(2026, 1, 1)}
STOPPED = {"IsLogging": False}


class Stubbed:
    def __init__(self, max_attempts=1):
        cfg = Config(retries={"mode": "standard", "max_attempts": max_attempts})
        self.ct = boto3.client("cloudtrail", region_name=REGION, config=cfg, aws_access_key_id="x", aws_secret_access_key="x")
        self.kms = boto3.client("kms", region_name=REGION, config=cfg, aws_access_key_id="x", aws_secret_access_key="x")
        self.cts, self.kmss = Stubber(self.ct), Stubber(self.kms)
        self.cts.activate()
        self.kmss.activate()

    def ok(self, op, response, expected=None):
        self.cts.add_response(op, response, expected)

    def err(self, op, code, message, status=400, expected=None):
        self.cts.add_client_error(op, service_error_code=code, service_message=message, http_status_code=status, expected_params=expected)

    def verify_reads(self, t=None, selectors=DEFAULT_SELECTORS, status=LOGGING):
        self.ok("get_trail", {"Trail": t or trail()}, {"Name": ARN})
        self.ok("get_event_selectors", selectors, {"TrailName": ARN})
        self.ok("get_trail_status", status, {"Name": ARN})

    def run(self, rt, **over):
        out = rt.remediate(params(**over), self.ct, self.kms, sleep=lambda s: None)
        self.cts.assert_no_pending_responses()
        self.kmss.assert_no_pending_responses()
        return out


def test_absent_trail_on_aws_takes_create_trail_and_start_logging_only(rt):
    s = Stubbed()
    s.err("get_trail", "TrailNotFoundException", f"Unknown trail: {ARN} for the user: {ACCOUNT}", 404, {"Name": ARN})
    s.ok("create_trail", {"Name": TRAIL, "TrailARN": ARN}, {
        "Name": TRAIL, "S3BucketName": BUCKET, "S3KeyPrefix": "logs", "KmsKeyId": KEY, "IsMultiRegionTrail": True,
        "IncludeGlobalServiceEvents": True, "EnableLogFileValidation": True, "IsOrganizationTrail": False})
    # A new trail logs all read and write management events by default (API_PutEventSelectors.html).
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", STOPPED, {"Name": ARN})
    s.ok("start_logging", {}, {"Name": TRAIL})
    s.verify_reads()
    out = s.run(rt)
    assert out == {"TrailARN": ARN, "Changed": True, "WriteCalls": "CreateTrail,StartLogging", "Summary": ANY} and out["Summary"].endswith("StartLogging")


def test_stopped_trail_takes_exactly_one_write(rt):
    s = Stubbed()
    s.ok("get_trail", {"Trail": trail()}, {"Name": ARN})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", STOPPED, {"Name": ARN})
    s.ok("start_logging", {}, {"Name": TRAIL})
    s.verify_reads()
    assert s.run(rt)["WriteCalls"] == "StartLogging"


def test_trail_homed_in_another_region_fails_without_a_write(rt):
    s = Stubbed()
    west = ARN.replace(REGION, "us-west-2")
    s.ok("get_trail", {"Trail": trail(HomeRegion="us-west-2", TrailARN=west)}, {"Name": ARN})
    with pytest.raises(rt.RemediationError, match=r"homed in us-west-2: run the runbook in the trail's home Region us-west-2; nothing was changed"):
        s.run(rt)
    s.cts.assert_no_pending_responses()


def test_shadow_trail_with_the_same_name_fails_clearly_when_aws_refuses_the_create(rt):
    # API_CreateTrail.html lists TrailAlreadyExistsException; API_DescribeTrails.html: includeShadowTrails.
    s = Stubbed()
    s.err("get_trail", "TrailNotFoundException", "Unknown trail", 404, {"Name": ARN})
    s.err("create_trail", "TrailAlreadyExistsException", f"Trail {TRAIL} already exists for customer: {ACCOUNT}", 400, None)
    s.err("get_trail", "TrailNotFoundException", "Unknown trail", 404, {"Name": ARN})  # not a race: still absent
    west = ARN.replace(REGION, "us-west-2")
    s.ok("describe_trails", {"trailList": [trail(HomeRegion="us-west-2", TrailARN=west)]},
         {"trailNameList": [TRAIL], "includeShadowTrails": True})
    with pytest.raises(rt.RemediationError) as e:
        s.run(rt)
    s.cts.assert_no_pending_responses()
    assert "CreateTrail on trail org-audit failed with TrailAlreadyExistsException" in str(e.value)
    assert f"{west} (home Region us-west-2)" in str(e.value)
    assert "Nothing was created" in str(e.value)


def test_key_returned_as_an_alias_is_resolved_before_it_is_compared(rt):
    # AWS documents KmsKeyId as the key ARN; if an alias ever came back, DescribeKey resolves it (API_DescribeKey.html).
    s = Stubbed()
    alias = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/cloudtrail-logs"
    s.ok("get_trail", {"Trail": trail(KmsKeyId=alias)}, {"Name": ARN})
    s.kmss.add_response("describe_key", {"KeyMetadata": {"KeyId": KEY.split("/")[-1], "Arn": KEY}}, {"KeyId": alias})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.ok("get_trail", {"Trail": trail(KmsKeyId=alias)}, {"Name": ARN})
    s.kmss.add_response("describe_key", {"KeyMetadata": {"KeyId": KEY.split("/")[-1], "Arn": KEY}}, {"KeyId": alias})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    assert s.run(rt)["WriteCalls"] == "none"


def test_alias_that_cannot_be_resolved_is_treated_as_another_key(rt):
    s = Stubbed()
    s.ok("get_trail", {"Trail": trail(KmsKeyId="alias/unknown")}, {"Name": ARN})
    s.kmss.add_client_error("describe_key", service_error_code="NotFoundException", service_message="Alias not found", http_status_code=400)
    s.ok("update_trail", {"TrailARN": ARN}, {"Name": TRAIL, "KmsKeyId": KEY})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads()
    assert s.run(rt)["WriteCalls"] == "UpdateTrail"


def test_sns_topic_of_the_right_name_in_another_account_is_replaced(rt):
    s = Stubbed()
    theirs = "arn:aws:sns:us-east-1:999999999999:trail-deliveries"
    ours = f"arn:aws:sns:us-east-1:{ACCOUNT}:trail-deliveries"
    s.ok("get_trail", {"Trail": trail(SnsTopicName="trail-deliveries", SnsTopicARN=theirs)}, {"Name": ARN})
    # SnsTopicName takes the name or the ARN (API_UpdateTrail.html); our topic is in the trail's account and Region.
    s.ok("update_trail", {"TrailARN": ARN}, {"Name": TRAIL, "SnsTopicName": "trail-deliveries"})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads(trail(SnsTopicName="trail-deliveries", SnsTopicARN=ours))
    assert s.run(rt, SnsTopicARN=ours)["Summary"] == "UpdateTrail(SnsTopicName)"


def test_sns_topic_in_another_region_is_sent_as_its_arn(rt):
    s = Stubbed()
    ours = f"arn:aws:sns:us-west-2:{ACCOUNT}:trail-deliveries"
    s.ok("get_trail", {"Trail": trail()}, {"Name": ARN})
    s.ok("update_trail", {"TrailARN": ARN}, {"Name": TRAIL, "SnsTopicName": ours})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads(trail(SnsTopicName="trail-deliveries", SnsTopicARN=ours))
    s.run(rt, SnsTopicARN=ours)


def test_log_group_arn_returned_without_the_star_still_matches(rt):
    # CloudTrail takes the log group ARN with ":*"; whether it returns it with or without, it is the same group.
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/cloudtrail/org-audit"
    role = f"arn:aws:iam::{ACCOUNT}:role/ct-cwl"
    s = Stubbed()
    t = trail(CloudWatchLogsLogGroupArn=group, CloudWatchLogsRoleArn=role)
    s.ok("get_trail", {"Trail": t}, {"Name": ARN})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads(t)
    assert s.run(rt, CloudWatchLogsLogGroupArn=group + ":*", CloudWatchLogsRoleArn=role)["WriteCalls"] == "none"


ERRORS = [
    ("update_trail", "InsufficientS3BucketPolicyException", "Incorrect S3 bucket policy is detected for bucket: ct-logs-111111111111",
     "the bucket policy must let cloudtrail.amazonaws.com"),
    ("update_trail", "InsufficientEncryptionPolicyException", "Insufficient permissions to access S3 bucket or KMS key",
     "the key policy must let cloudtrail.amazonaws.com"),
    ("update_trail", "KmsKeyNotFoundException", "Key not found", "the KMS key does not exist"),
]


@pytest.mark.parametrize("op,code,message,hint", ERRORS, ids=[e[1] for e in ERRORS])
def test_a_refused_write_fails_with_its_cause(rt, op, code, message, hint):
    # Error codes: API_UpdateTrail.html#API_UpdateTrail_Errors.
    s = Stubbed()
    s.ok("get_trail", {"Trail": trail(S3BucketName="moved-away")}, {"Name": ARN})
    s.err(op, code, message, 400, None)
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})  # the rest of the run still happens
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    with pytest.raises(rt.RemediationError) as e:
        s.run(rt)
    s.cts.assert_no_pending_responses()
    assert str(e.value).startswith(f"UpdateTrail on trail org-audit failed with {code}: {message}")
    assert hint in str(e.value)


def test_create_trail_refused_for_the_key_policy_fails_with_its_cause(rt):
    s = Stubbed()
    s.err("get_trail", "TrailNotFoundException", "Unknown trail", 404, {"Name": ARN})
    s.err("create_trail", "InsufficientEncryptionPolicyException", "Insufficient permissions to access S3 bucket or KMS key", 400, None)
    with pytest.raises(rt.RemediationError, match=r"^CreateTrail on trail org-audit failed with InsufficientEncryptionPolicyException"):
        s.run(rt)


def test_throttling_beyond_the_retries_fails_with_its_cause(rt):
    # aws:executeScript does not retry throttled calls (automation-action-executeScript.html), so the handler does,
    # THROTTLE_ATTEMPTS times with back-off; past them, the run fails and names the throttling.
    s = Stubbed()
    for _ in range(rt.THROTTLE_ATTEMPTS):
        s.err("get_trail", "ThrottlingException", "Rate exceeded", 400, {"Name": ARN})
    with pytest.raises(rt.RemediationError, match=r"GetTrail on trail org-audit failed with ThrottlingException: Rate exceeded"):
        s.run(rt)
    s.cts.assert_no_pending_responses()


def test_throttling_within_the_retries_is_absorbed(rt):
    s = Stubbed()
    s.err("get_trail", "ThrottlingException", "Rate exceeded", 400, {"Name": ARN})
    s.err("get_trail", "ThrottlingException", "Rate exceeded", 400, {"Name": ARN})
    s.ok("get_trail", {"Trail": trail()}, {"Name": ARN})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads()
    assert s.run(rt)["WriteCalls"] == "none"


def test_verification_failure_names_the_setting(rt):
    # A change that does not hold (for example an SCP or another writer) ends Failed after three reads.
    s = Stubbed()
    s.ok("get_trail", {"Trail": trail(LogFileValidationEnabled=False)}, {"Name": ARN})
    s.ok("update_trail", {"TrailARN": ARN}, {"Name": TRAIL, "EnableLogFileValidation": True})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    for _ in range(3):
        s.verify_reads(trail(LogFileValidationEnabled=False))
    with pytest.raises(rt.RemediationError, match=r"is not at the baseline after UpdateTrail\(EnableLogFileValidation\): EnableLogFileValidation is not True"):
        s.run(rt)


def test_read_after_write_lag_is_waited_out(rt):
    s = Stubbed()
    s.ok("get_trail", {"Trail": trail(LogFileValidationEnabled=False)}, {"Name": ARN})
    s.ok("update_trail", {"TrailARN": ARN}, {"Name": TRAIL, "EnableLogFileValidation": True})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads(trail(LogFileValidationEnabled=False))
    s.verify_reads()
    assert s.run(rt)["WriteCalls"] == "UpdateTrail"


def test_five_data_selectors_fold_management_events_into_one_that_logs_all(rt):
    s = Stubbed()
    data = [{"ReadWriteType": "All" if i == 2 else "WriteOnly", "IncludeManagementEvents": False,
             "DataResources": [{"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::b{i}/"]}], "ExcludeManagementEventSources": []}
            for i in range(5)]
    s.ok("get_trail", {"Trail": trail()}, {"Name": ARN})
    s.ok("get_event_selectors", {"TrailARN": ARN, "EventSelectors": data}, {"TrailName": ARN})
    expected = [{"ReadWriteType": d["ReadWriteType"], "IncludeManagementEvents": i == 2, "DataResources": d["DataResources"]}
                for i, d in enumerate(data)]
    s.ok("put_event_selectors", {"TrailARN": ARN}, {"TrailName": TRAIL, "EventSelectors": expected})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads(selectors={"TrailARN": ARN, "EventSelectors": expected})
    assert s.run(rt)["WriteCalls"] == "PutEventSelectors"


@pytest.mark.parametrize("value,expected", [(True, True), (False, False), ("true", True), ("false", False), ("True", True),
                                            ("False", False), (["true"], True)])
def test_boolean_parameters_are_read_whichever_form_ssm_hands_them(rt, value, expected):
    # SSM documents Boolean parameters but not the form an interpolated one takes inside InputPayload: take each.
    assert rt.desired_state(params(EnableLogFileValidation=value))["EnableLogFileValidation"] is expected


@pytest.mark.parametrize("value", ["yes", "1", "", None, 1])
def test_a_parameter_that_is_not_a_boolean_is_refused_by_name(rt, value):
    with pytest.raises(rt.RemediationError, match=r"parameter EnableLogFileValidation: .* is not a Boolean"):
        rt.desired_state(params(EnableLogFileValidation=value))


def test_cloudwatch_logs_group_without_role_is_refused(rt):
    with pytest.raises(rt.RemediationError, match="set together or not at all"):
        rt.desired_state(params(CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:111111111111:log-group:g:*"))


@pytest.mark.parametrize("omitted", ["IsOrganizationTrail", "IncludeGlobalServiceEvents"])
def test_a_boolean_that_get_trail_leaves_out_reads_as_its_create_trail_default(rt, omitted):
    # Every response member is optional in the API model; an omitted one takes CreateTrail's default
    # (IncludeGlobalServiceEvents true, IsOrganizationTrail false), so it is not drift on every run.
    s = Stubbed()
    t = trail(**{omitted: None})
    s.ok("get_trail", {"Trail": t}, {"Name": ARN})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads(t)
    assert s.run(rt)["WriteCalls"] == "none"


def test_an_omitted_validation_flag_reads_as_off_and_is_restored(rt):
    s = Stubbed()
    s.ok("get_trail", {"Trail": trail(LogFileValidationEnabled=None)}, {"Name": ARN})
    s.ok("update_trail", {"TrailARN": ARN}, {"Name": TRAIL, "EnableLogFileValidation": True})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads()
    assert s.run(rt)["WriteCalls"] == "UpdateTrail"


@pytest.mark.parametrize("value", [["k=v"], ['{"Key":"k"}'], ['{"Key":"k","Value":1}'], "not json"])
def test_trail_tags_that_are_not_key_value_objects_are_refused_by_element(rt, value):
    with pytest.raises(rt.RemediationError, match=r"parameter TrailTags\[0\]: .* is not a JSON object with Key and Value strings"):
        rt.desired_state(params(TrailTags=value))


def test_trail_tags_go_to_create_trail_as_tags_list(rt):
    s = Stubbed()
    s.err("get_trail", "TrailNotFoundException", "Unknown trail", 404, {"Name": ARN})
    s.ok("create_trail", {"Name": TRAIL, "TrailARN": ARN}, {
        "Name": TRAIL, "S3BucketName": BUCKET, "S3KeyPrefix": "logs", "KmsKeyId": KEY, "IsMultiRegionTrail": True,
        "IncludeGlobalServiceEvents": True, "EnableLogFileValidation": True, "IsOrganizationTrail": False,
        "TagsList": [{"Key": "team", "Value": "security"}]})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads()
    assert s.run(rt, TrailTags=['{"Key":"team","Value":"security"}'])["WriteCalls"] == "CreateTrail"



def test_a_run_that_loses_the_create_race_carries_on_with_the_trail_the_other_run_made(rt):
    # EventBridge delivers at least once, so one DeleteTrail can start two executions.
    s = Stubbed()
    s.err("get_trail", "TrailNotFoundException", "Unknown trail", 404, {"Name": ARN})
    s.err("create_trail", "TrailAlreadyExistsException", "Trail org-audit already exists", 400, None)
    s.ok("get_trail", {"Trail": trail()}, {"Name": ARN})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads()
    out = s.run(rt)
    assert out["WriteCalls"] == "none"  # the refused CreateTrail wrote nothing; the other run's trail is compliant


def test_a_refused_update_still_starts_a_stopped_trail_then_fails_naming_it(rt):
    s = Stubbed()
    role = f"arn:aws:iam::{ACCOUNT}:role/ct-cwl"
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:g:*"
    s.ok("get_trail", {"Trail": trail()}, {"Name": ARN})
    s.err("update_trail", "InvalidCloudWatchLogsRoleArnException", "Access denied", 400, None)
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", STOPPED, {"Name": ARN})
    s.ok("start_logging", {}, {"Name": TRAIL})
    with pytest.raises(rt.RemediationError, match=r"^UpdateTrail on trail org-audit failed with InvalidCloudWatchLogsRoleArnException.*\(logging was started\)$"):
        s.run(rt, CloudWatchLogsLogGroupArn=group, CloudWatchLogsRoleArn=role)
    s.cts.assert_no_pending_responses()


def test_a_trail_that_lags_after_create_trail_is_still_started(rt):
    s = Stubbed()
    s.err("get_trail", "TrailNotFoundException", "Unknown trail", 404, {"Name": ARN})
    s.ok("create_trail", {"Name": TRAIL, "TrailARN": ARN}, None)
    s.err("get_event_selectors", "TrailNotFoundException", "Unknown trail", 404, {"TrailName": ARN})
    s.ok("get_event_selectors", DEFAULT_SELECTORS, {"TrailName": ARN})
    s.ok("get_trail_status", STOPPED, {"Name": ARN})
    s.ok("start_logging", {}, {"Name": TRAIL})
    s.verify_reads()
    assert s.run(rt)["WriteCalls"] == "CreateTrail,StartLogging"


def test_five_data_selectors_without_all_cover_reads_and_writes_with_one_of_each(rt):
    s = Stubbed()
    kinds = ["ReadOnly", "WriteOnly", "WriteOnly", "WriteOnly", "WriteOnly"]
    data = [{"ReadWriteType": k, "IncludeManagementEvents": False, "DataResources": [{"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::b{i}/"]}]}
            for i, k in enumerate(kinds)]
    expected = [{**d, "IncludeManagementEvents": i in (0, 1)} for i, d in enumerate(data)]
    s.ok("get_trail", {"Trail": trail()}, {"Name": ARN})
    s.ok("get_event_selectors", {"TrailARN": ARN, "EventSelectors": data}, {"TrailName": ARN})
    s.ok("put_event_selectors", {"TrailARN": ARN}, {"TrailName": TRAIL, "EventSelectors": expected})
    s.ok("get_trail_status", LOGGING, {"Name": ARN})
    s.verify_reads(selectors={"TrailARN": ARN, "EventSelectors": expected})
    assert s.run(rt)["WriteCalls"] == "PutEventSelectors"
