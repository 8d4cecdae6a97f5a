"""cloudtrail-guard: the decisions of the remediation runbook.

SSM Automation runs this file as the ``aws:executeScript`` step ``RemediateTrail`` of the runbook
(runbook/cloudtrail-remediation-action.yml; the document module inlines it at synth), Runtime python3.11,
Handler ``handler``. The tests run this same file against moto and botocore's Stubber.

What it does, in the trail's home Region, for the one trail it guards (never another name, never a delete):

1. Reads the trail by ARN (``arn:<partition>:cloudtrail:<region>:<account>:trail/<name>``), so a shadow trail of a
   multi-Region trail homed elsewhere can never answer for it.
2. Absent: CreateTrail with the whole baseline and the stack's tags (TrailTags). Drifted: one UpdateTrail with the
   settings that drifted (tags of an existing trail are Terraform's, never touched).
3. Event selectors: read and write management events with no excluded sources. Data-event selectors, basic or
   advanced, are kept; weakened management selectors are replaced by a full one.
4. Stopped: StartLogging.
5. Verifies every managed setting, and fails (the step and the execution end Failed) naming each one that is not right.

It returns ``TrailARN`` (String), ``Changed`` (Boolean), ``WriteCalls`` (String: the write calls, comma-separated,
``none`` when nothing was written) and ``Summary`` (String). A compliant trail gets no write call, so the runbook's
own changes, which the fast path sees, end in a run that changes nothing.

AWS pages this relies on:
- aws:executeScript (handler(events, context), return value = Payload, no automatic throttling retry):
  https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
- GetTrail / CreateTrail / UpdateTrail / StartLogging (Name is the name or the trail ARN; UpdateTrail only in the home
  Region, else InvalidHomeRegionException):
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrail.html
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html
- Event selectors (IncludeManagementEvents and ReadWriteType defaults, ExcludeManagementEventSources, at most five
  basic selectors, default selectors of a new trail):
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
- KMS DescribeKey (KeyId may be an alias name or alias ARN; KeyMetadata.Arn is the key ARN):
  https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
- aws:executeScript does not retry throttled calls ("you must implement your own retry logic"): the page above.
"""

import time

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

#: botocore retries transient errors itself; throttling is retried by :class:`Calls` with back-off, since
#: aws:executeScript retries nothing.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=10, read_timeout=30)

#: Error codes that mean "slow down" (the SDKs' throttling codes); retried by :class:`Calls`.
THROTTLING_CODES = ("ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded")

#: Attempts of one call while it is throttled, and the first back-off in seconds (doubled each time).
THROTTLE_ATTEMPTS = 6
THROTTLE_BACKOFF_SECONDS = 1.0

#: Reads of a trail this run has just created that may still answer TrailNotFoundException, 2 s apart.
READ_AFTER_WRITE_ATTEMPTS = 5

#: The management event sources that ExcludeManagementEventSources accepts (EventSelector).
EXCLUDABLE_SOURCES = ("kms.amazonaws.com", "rdsdata.amazonaws.com")

#: At most five basic event selectors a trail (PutEventSelectors).
MAX_BASIC_SELECTORS = 5

#: The advanced selector this runbook writes for management events: every read and write, no exclusion.
MANAGEMENT_ADVANCED_SELECTOR = {
    "Name": "Management events (cloudtrail-guard)",
    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}

#: The basic selector this runbook writes for management events.
MANAGEMENT_BASIC_SELECTOR = {"ReadWriteType": "All", "IncludeManagementEvents": True}

#: What to tell a person for each CloudTrail error a write can end with.
ERROR_HINTS = {
    "InsufficientS3BucketPolicyException": "the bucket policy must let cloudtrail.amazonaws.com call s3:GetBucketAcl "
    "on the bucket and s3:PutObject under <prefix>/AWSLogs/<account>/ for this trail",
    "S3BucketDoesNotExistException": "the log bucket does not exist",
    "InsufficientEncryptionPolicyException": "the key policy must let cloudtrail.amazonaws.com call "
    "kms:GenerateDataKey* and kms:DescribeKey for this trail",
    "KmsKeyNotFoundException": "the KMS key does not exist, or is not in the trail's Region",
    "KmsKeyDisabledException": "the KMS key is disabled",
    "KmsException": "KMS refused the key",
    "InsufficientSnsTopicPolicyException": "the SNS topic policy must let cloudtrail.amazonaws.com call sns:Publish",
    "InvalidCloudWatchLogsLogGroupArnException": "the CloudWatch Logs log group ARN is not valid",
    "InvalidCloudWatchLogsRoleArnException": "CloudTrail cannot assume the CloudWatch Logs role",
    "InvalidHomeRegionException": "the trail must be changed in its home Region",
    "TrailAlreadyExistsException": "a trail of this name already exists",
    "ThrottlingException": "CloudTrail throttled the calls beyond the retries",
    "AccessDeniedException": "the automation role may not make this call",
}


class RemediationError(Exception):
    """The run cannot bring the trail to the baseline; the message says why, for the person who reads the execution."""


def _text(events, name, required=True):
    value = events.get(name, "")
    if value is None:
        value = ""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str):
        raise RemediationError(f"parameter {name}: {value!r} is not a string")
    value = value.strip()
    if required and value == "":
        raise RemediationError(f"parameter {name} is required")
    return value


def _bool(events, name):
    """A Boolean parameter: SSM may hand the script a Boolean or its text; both spellings are taken."""
    value = events.get(name)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise RemediationError(f"parameter {name}: {value!r} is not a Boolean (true or false)")


def _tags(events):
    """TrailTags: a list of JSON objects {"Key", "Value"} (SSM hands a StringList to the script as a list; a single
    string is taken as one element). Raises RemediationError naming the element that is not such an object."""
    import json

    value = events.get("TrailTags") or []
    if isinstance(value, str):
        value = [value] if value.strip() else []
    if not isinstance(value, list):
        raise RemediationError(f"parameter TrailTags: {value!r} is not a list")
    out = []
    for i, item in enumerate(value):
        try:
            tag = json.loads(item) if isinstance(item, str) else item
        except ValueError:
            tag = None
        if not isinstance(tag, dict) or set(tag) != {"Key", "Value"} or not all(isinstance(v, str) for v in tag.values()):
            # (No double braces anywhere in this file: SSM reads them as variable references in the Script.)
            raise RemediationError(f"parameter TrailTags[{i}]: {item!r} is not a JSON object with Key and Value strings")
        out.append({"Key": tag["Key"], "Value": tag["Value"]})
    return out


def desired_state(events):
    """The baseline the trail must have, from the step's InputPayload (the runbook's parameters).

    Returns a dict with the CreateTrail/UpdateTrail member names, plus ``TrailARN``, ``Region``, ``AccountId`` and
    ``Partition``. Raises RemediationError naming the parameter when one is missing or of the wrong type.
    """
    d = {
        "Name": _text(events, "TrailName"),
        "S3BucketName": _text(events, "S3BucketName"),
        "S3KeyPrefix": _text(events, "S3KeyPrefix", required=False).strip("/"),
        "KmsKeyId": _text(events, "KmsKeyId"),
        "IsMultiRegionTrail": _bool(events, "IsMultiRegionTrail"),
        "IncludeGlobalServiceEvents": _bool(events, "IncludeGlobalServiceEvents"),
        "EnableLogFileValidation": _bool(events, "EnableLogFileValidation"),
        "IsOrganizationTrail": _bool(events, "IsOrganizationTrail"),
        "SnsTopicARN": _text(events, "SnsTopicARN", required=False),
        "CloudWatchLogsLogGroupArn": _text(events, "CloudWatchLogsLogGroupArn", required=False),
        "CloudWatchLogsRoleArn": _text(events, "CloudWatchLogsRoleArn", required=False),
        "Region": _text(events, "Region"),
        "AccountId": _text(events, "AccountId"),
        "Partition": _text(events, "Partition"),
        "TagsList": _tags(events),
    }
    if bool(d["CloudWatchLogsLogGroupArn"]) != bool(d["CloudWatchLogsRoleArn"]):
        raise RemediationError("parameters CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn are set together or not at all")
    if d["IsMultiRegionTrail"] and not d["IncludeGlobalServiceEvents"]:
        raise RemediationError("a multi-Region trail must include global service events (IncludeGlobalServiceEvents)")
    d["TrailARN"] = f"arn:{d['Partition']}:cloudtrail:{d['Region']}:{d['AccountId']}:trail/{d['Name']}"
    return d


def _code(error):
    return error.response.get("Error", {}).get("Code", "Unknown") if isinstance(error, ClientError) else type(error).__name__


def _fail_call(op, error, desired):
    code = _code(error)
    message = error.response.get("Error", {}).get("Message", "") if isinstance(error, ClientError) else str(error)
    hint = ERROR_HINTS.get(code, "")
    text = f"{op} on trail {desired['Name']} failed with {code}: {message}".rstrip(": ")
    if hint:
        text += f" ({hint})"
    return RemediationError(text)


class Calls:
    """Makes the CloudTrail and KMS calls, retries throttled ones with back-off, and records every write call."""

    def __init__(self, cloudtrail, kms, desired, sleep=time.sleep):
        self.cloudtrail = cloudtrail
        self.kms = kms
        self.desired = desired
        self.sleep = sleep
        self.writes = []

    def call(self, client, op, **kwargs):
        delay = THROTTLE_BACKOFF_SECONDS
        for attempt in range(THROTTLE_ATTEMPTS):
            try:
                return getattr(client, op)(**kwargs)
            except ClientError as e:
                if _code(e) not in THROTTLING_CODES or attempt == THROTTLE_ATTEMPTS - 1:
                    raise
            self.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def read(self, op, **kwargs):
        """A read. After this run wrote (CreateTrail), TrailNotFoundException is retried: CloudTrail documents no
        read-after-write guarantee. GetTrail's TrailNotFoundException is raised as is (the trail is absent)."""
        for attempt in range(READ_AFTER_WRITE_ATTEMPTS):
            try:
                return self.call(self.cloudtrail, op, **kwargs)
            except (ClientError, BotoCoreError) as e:
                missing = _code(e) == "TrailNotFoundException"
                if missing and op == "get_trail" and not self.writes:
                    raise
                if not (missing and self.writes) or attempt == READ_AFTER_WRITE_ATTEMPTS - 1:
                    raise _fail_call(_api_name(op), e, self.desired) from e
            self.sleep(2)
        raise AssertionError("unreachable")

    def write(self, op, **kwargs):
        api = _api_name(op)
        try:
            result = self.call(self.cloudtrail, op, **kwargs)
        except (ClientError, BotoCoreError) as e:
            raise _fail_call(api, e, self.desired) from e
        changed = sorted(k for k in kwargs if k not in ("Name", "TrailName"))
        self.writes.append(f"{api}({', '.join(changed)})" if changed else api)
        return result


def _api_name(op):
    return "".join(part.capitalize() for part in op.split("_"))


def read_trail(calls, desired):
    """The trail by ARN, or None when it is absent. Raises RemediationError when it is homed elsewhere."""
    try:
        trail = calls.read("get_trail", Name=desired["TrailARN"]).get("Trail") or {}
    except ClientError as e:
        if _code(e) == "TrailNotFoundException":
            return None
        raise _fail_call("GetTrail", e, desired) from e
    arn = trail.get("TrailARN", "")
    # HomeRegion is documented on GetTrail's Trail; where an implementation leaves it out, the ARN's Region says it.
    home = trail.get("HomeRegion") or (arn.split(":")[3] if arn.count(":") >= 5 else "")
    if arn != desired["TrailARN"] or home != desired["Region"]:
        raise RemediationError(
            f"the trail that answers for {desired['TrailARN']} is {arn or '(no ARN)'}, homed in {home or '(unknown)'}: "
            f"run the runbook in the trail's home Region {home or desired['Region']}; nothing was changed"
        )
    return trail


def _key_arn(calls, key_id):
    """The key ARN for a trail's KmsKeyId, which AWS documents as the key ARN; an alias or key ID is resolved."""
    if not key_id:
        return ""
    if ":key/" in key_id:
        return key_id
    try:
        return calls.call(calls.kms, "describe_key", KeyId=key_id)["KeyMetadata"]["Arn"]
    except (ClientError, BotoCoreError, KeyError):
        return key_id  # not resolvable with this role: it is not our key


def _no_star(arn):
    """Log group ARNs are compared without a trailing ``:*`` (the form CloudTrail takes and the form it may return)."""
    return arn[:-2] if arn.endswith(":*") else arn


#: Where GetTrail leaves a Boolean out, the value CreateTrail gives it when it is not sent (API_CreateTrail.html:
#: IncludeGlobalServiceEvents "The default is true"; the others default to false), so an omitted member never reads
#: as drift on every run.
FIELD_DEFAULTS = {
    "IsMultiRegionTrail": False,
    "IncludeGlobalServiceEvents": True,
    "LogFileValidationEnabled": False,
    "IsOrganizationTrail": False,
}


def setting_drift(calls, trail, desired):
    """The UpdateTrail members that must be sent to bring ``trail`` to ``desired`` (empty when nothing drifted)."""
    update = {}
    if trail.get("S3BucketName") != desired["S3BucketName"] or (trail.get("S3KeyPrefix") or "") != desired["S3KeyPrefix"]:
        update["S3BucketName"] = desired["S3BucketName"]
        update["S3KeyPrefix"] = desired["S3KeyPrefix"]
    if _key_arn(calls, trail.get("KmsKeyId") or "") != desired["KmsKeyId"]:
        update["KmsKeyId"] = desired["KmsKeyId"]
    for member, field in (
        ("IsMultiRegionTrail", "IsMultiRegionTrail"),
        ("IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents"),
        ("EnableLogFileValidation", "LogFileValidationEnabled"),
        ("IsOrganizationTrail", "IsOrganizationTrail"),
    ):
        if trail.get(field, FIELD_DEFAULTS[field]) is not desired[member]:
            update[member] = desired[member]
    if update.get("IsMultiRegionTrail") is True:
        update["IncludeGlobalServiceEvents"] = desired["IncludeGlobalServiceEvents"]
    if (trail.get("SnsTopicARN") or "") != desired["SnsTopicARN"]:
        update["SnsTopicName"] = _topic_reference(desired)
    if _no_star(trail.get("CloudWatchLogsLogGroupArn") or "") != _no_star(desired["CloudWatchLogsLogGroupArn"]) or (
        trail.get("CloudWatchLogsRoleArn") or ""
    ) != desired["CloudWatchLogsRoleArn"]:
        update["CloudWatchLogsLogGroupArn"] = desired["CloudWatchLogsLogGroupArn"]
        update["CloudWatchLogsRoleArn"] = desired["CloudWatchLogsRoleArn"]
    return update


def _topic_reference(desired):
    """What to send as SnsTopicName, which takes the topic's name or its ARN: the name when the topic is in the trail's
    own account and Region (the name then means that ARN), else the whole ARN; "" removes the topic (UpdateTrail)."""
    arn = desired["SnsTopicARN"]
    parts = arn.split(":")
    if len(parts) == 6 and parts[3] == desired["Region"] and parts[4] == desired["AccountId"]:
        return parts[5]
    return arn


def _create_request(desired):
    req = {
        "Name": desired["Name"],
        "S3BucketName": desired["S3BucketName"],
        "KmsKeyId": desired["KmsKeyId"],
        "IsMultiRegionTrail": desired["IsMultiRegionTrail"],
        "IncludeGlobalServiceEvents": desired["IncludeGlobalServiceEvents"],
        "EnableLogFileValidation": desired["EnableLogFileValidation"],
        "IsOrganizationTrail": desired["IsOrganizationTrail"],
    }
    if desired["S3KeyPrefix"]:
        req["S3KeyPrefix"] = desired["S3KeyPrefix"]
    if desired["SnsTopicARN"]:
        req["SnsTopicName"] = _topic_reference(desired)
    if desired["CloudWatchLogsLogGroupArn"]:
        req["CloudWatchLogsLogGroupArn"] = desired["CloudWatchLogsLogGroupArn"]
        req["CloudWatchLogsRoleArn"] = desired["CloudWatchLogsRoleArn"]
    if desired["TagsList"]:
        req["TagsList"] = desired["TagsList"]  # a re-created trail carries the stack's tags again
    return req


def _explain_existing(calls, desired):
    """Where a trail of this name that is not ours lives, for the message of a TrailAlreadyExistsException."""
    try:
        found = calls.call(calls.cloudtrail, "describe_trails", trailNameList=[desired["Name"]], includeShadowTrails=True)["trailList"]
    except (ClientError, BotoCoreError):
        return ""
    return "; ".join(f"{t.get('TrailARN')} (home Region {t.get('HomeRegion')})" for t in found)


def create_trail(calls, desired):
    """CreateTrail. Returns None when it created the trail, or the trail as GetTrail reads it when another run created
    it meanwhile (EventBridge delivers at least once, so two runs can race)."""
    try:
        calls.write("create_trail", **_create_request(desired))
        return None
    except RemediationError as e:
        if "TrailAlreadyExistsException" in str(e):
            raced = read_trail(calls, desired)
            if raced is not None:
                return raced
            where = _explain_existing(calls, desired)
            raise RemediationError(
                f"{e}; the trail {desired['TrailARN']} is absent, but a trail named {desired['Name']} is visible here"
                + (f": {where}" if where else "")
                + ". Nothing was created; rename one of them or run the runbook in that trail's home Region"
            ) from e
        raise


# --- event selectors -----------------------------------------------------------------------------------------------


def _basic_coverage(selectors):
    """(reads, writes): whether some basic selector logs read / write management events with no excluded source."""
    reads = writes = False
    for s in selectors:
        if not s.get("IncludeManagementEvents", True) or s.get("ExcludeManagementEventSources"):
            continue
        rwt = s.get("ReadWriteType", "All")
        reads = reads or rwt in ("All", "ReadOnly")
        writes = writes or rwt in ("All", "WriteOnly")
    return reads, writes


def _fields(selector):
    return selector.get("FieldSelectors") or []


def _is_management_advanced(selector):
    return any(f.get("Field") == "eventCategory" and "Management" in (f.get("Equals") or []) for f in _fields(selector))


def _advanced_coverage(selectors):
    """(reads, writes) of advanced selectors: a selector covers management events fully only when it says
    eventCategory Equals [Management] and nothing else, or that plus readOnly Equals ["true"] / ["false"]."""
    reads = writes = False
    for s in selectors:
        fields = _fields(s)
        category = [f for f in fields if f.get("Field") == "eventCategory"]
        if len(category) != 1 or set(category[0]) != {"Field", "Equals"} or category[0]["Equals"] != ["Management"]:
            continue
        others = [f for f in fields if f.get("Field") != "eventCategory"]
        if not others:
            return True, True
        if len(others) == 1 and others[0].get("Field") == "readOnly" and set(others[0]) == {"Field", "Equals"}:
            if others[0]["Equals"] == ["true"]:
                reads = True
            elif others[0]["Equals"] == ["false"]:
                writes = True
    return reads, writes


def selector_repair(response):
    """The PutEventSelectors request members that restore management events, or None when nothing is missing.

    Basic selectors: one selector for read and write management events with no excluded source, and every selector
    that has data resources kept with its ReadWriteType (management events off in it). Advanced selectors: the ones
    that are not about management events are kept as they are, and the management ones are replaced by one full
    management selector. Raises RemediationError when the kept data selectors leave no room (five basic selectors).
    """
    advanced = response.get("AdvancedEventSelectors") or []
    basic = response.get("EventSelectors") or []
    if advanced:
        if all(_advanced_coverage(advanced)):
            return None
        kept = [s for s in advanced if not _is_management_advanced(s)]
        return {"AdvancedEventSelectors": [dict(MANAGEMENT_ADVANCED_SELECTOR)] + kept}
    if basic and all(_basic_coverage(basic)):
        return None
    data = [
        {"ReadWriteType": s.get("ReadWriteType", "All"), "IncludeManagementEvents": False, "DataResources": s["DataResources"]}
        for s in basic
        if s.get("DataResources")
    ]
    if len(data) + 1 <= MAX_BASIC_SELECTORS:
        return {"EventSelectors": [dict(MANAGEMENT_BASIC_SELECTOR)] + data}
    full = next((s for s in data if s["ReadWriteType"] == "All"), None)
    read_only = next((s for s in data if s["ReadWriteType"] == "ReadOnly"), None)
    write_only = next((s for s in data if s["ReadWriteType"] == "WriteOnly"), None)
    if full is None and read_only is not None and write_only is not None:
        read_only["IncludeManagementEvents"] = True  # reads and writes, within the five selectors
        write_only["IncludeManagementEvents"] = True
        return {"EventSelectors": data}
    if full is None:
        raise RemediationError(
            f"the trail has {len(data)} data-event selectors, none logs All and they do not cover both reads and writes; "
            f"a management selector would make "
            f"{len(data) + 1}, over the {MAX_BASIC_SELECTORS} that CloudTrail allows: merge them or move to advanced selectors"
        )
    full["IncludeManagementEvents"] = True
    return {"EventSelectors": data}


def selector_problems(response):
    """Words for what the event selectors leave out (empty when management events are fully logged)."""
    advanced = response.get("AdvancedEventSelectors") or []
    basic = response.get("EventSelectors") or []
    reads, writes = _advanced_coverage(advanced) if advanced else _basic_coverage(basic)
    out = []
    if not reads:
        out.append("read management events")
    if not writes:
        out.append("write management events")
    return [f"event selectors do not log {', '.join(out)} (with no excluded source)"] if out else []


# --- the run -------------------------------------------------------------------------------------------------------


def verify(calls, desired):
    """Every managed setting as it is now: a list of problems, empty when the trail is at the baseline."""
    trail = read_trail(calls, desired)
    if trail is None:
        return [f"the trail {desired['TrailARN']} does not exist"]
    problems = [f"{k} is not {v!r}" for k, v in setting_drift(calls, trail, desired).items()]
    problems += selector_problems(calls.read("get_event_selectors", TrailName=desired["TrailARN"]))
    if calls.read("get_trail_status", Name=desired["TrailARN"]).get("IsLogging") is not True:
        problems.append("the trail is not logging")
    return problems


def remediate(events, cloudtrail, kms, sleep=time.sleep, verify_attempts=3):
    """Brings the guarded trail to the baseline with the given clients. Returns the step's Payload (see the module
    docstring). Raises RemediationError when a call fails or the trail is not at the baseline afterwards."""
    desired = desired_state(events)
    calls = Calls(cloudtrail, kms, desired, sleep)
    trail = read_trail(calls, desired)
    if trail is None:
        trail = create_trail(calls, desired)  # a failed CreateTrail raises: there is nothing to start
    failures = []  # a refused UpdateTrail or PutEventSelectors must not keep a stopped trail stopped
    if trail is not None:
        update = setting_drift(calls, trail, desired)
        if update:
            try:
                calls.write("update_trail", Name=desired["Name"], **update)
            except RemediationError as e:
                failures.append(str(e))
    try:
        repair = selector_repair(calls.read("get_event_selectors", TrailName=desired["TrailARN"]))
        if repair:
            calls.write("put_event_selectors", TrailName=desired["Name"], **repair)
    except RemediationError as e:
        failures.append(str(e))
    if calls.read("get_trail_status", Name=desired["TrailARN"]).get("IsLogging") is not True:
        calls.write("start_logging", Name=desired["Name"])
    if failures:
        started = " (logging was started)" if any(w.startswith("StartLogging") for w in calls.writes) else ""
        raise RemediationError("; ".join(failures) + started)
    # CloudTrail documents no read-after-write guarantee: verify a few times before calling it a failure.
    problems = verify(calls, desired)
    for _ in range(verify_attempts - 1):
        if not problems or not calls.writes:
            break
        sleep(2)
        problems = verify(calls, desired)
    if problems:
        raise RemediationError(
            f"trail {desired['TrailARN']} is not at the baseline after "
            f"{', '.join(calls.writes) or 'no write call'}: {'; '.join(problems)}"
        )
    write_calls = [w.split("(")[0] for w in calls.writes]
    return {
        "TrailARN": desired["TrailARN"],
        "Changed": bool(calls.writes),
        "WriteCalls": ",".join(write_calls) if write_calls else "none",
        "Summary": ("; ".join(calls.writes) if calls.writes else "compliant: no change"),
    }


def handler(events, context):
    """The aws:executeScript entry point: ``events`` is the step's InputPayload, ``context`` is unused."""
    session = boto3.session.Session()
    region = _text(events, "Region")
    cloudtrail = session.client("cloudtrail", region_name=region, config=CLIENT_CONFIG)
    kms = session.client("kms", region_name=region, config=CLIENT_CONFIG)
    return remediate(events, cloudtrail, kms)
