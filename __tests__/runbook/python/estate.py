"""A small account in moto for the runbook handler's tests: buckets, keys, a topic, a log group and a role, the
baseline parameters, and CloudTrail/KMS clients that record every call they make."""

import boto3

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
OTHER_REGION = "us-west-2"
TRAIL = "org-audit"
BUCKET = "ct-logs-123456789012"
OTHER_BUCKET = "someone-elses-bucket"
PREFIX = "logs"
TOPIC = "trail-deliveries"
LOG_GROUP = "/aws/cloudtrail/org-audit"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"

#: The CloudTrail calls that change something.
WRITES = {"CreateTrail", "UpdateTrail", "PutEventSelectors", "PutAdvancedEventSelectors", "StartLogging",
          "StopLogging", "DeleteTrail", "PutInsightSelectors", "AddTags"}


class Recorder:
    """Records the operation name and parameters of every call a client makes (botocore's before-call event)."""

    def __init__(self):
        self.calls = []

    def attach(self, client):
        client.meta.events.register("before-call.*.*", self._record)
        return client

    def _record(self, model, params, **_):
        self.calls.append((model.name, params.get("body") if isinstance(params.get("body"), dict) else None))

    @property
    def names(self):
        return [c[0] for c in self.calls]

    @property
    def writes(self):
        return [n for n in self.names if n in WRITES]

    def clear(self):
        self.calls.clear()


class Estate:
    """What exists in the account before a test breaks the trail (call inside ``mock_aws``)."""

    def __init__(self):
        s3 = boto3.client("s3", region_name=REGION)
        for b in (BUCKET, OTHER_BUCKET):
            s3.create_bucket(Bucket=b)
        kms = boto3.client("kms", region_name=REGION)
        self.key_arn = kms.create_key(Description="trail key")["KeyMetadata"]["Arn"]
        self.other_key_arn = kms.create_key(Description="someone else's key")["KeyMetadata"]["Arn"]
        kms.create_alias(AliasName="alias/cloudtrail-logs", TargetKeyId=self.key_arn)
        self.alias_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/cloudtrail-logs"
        sns = boto3.client("sns", region_name=REGION)
        self.topic_arn = sns.create_topic(Name=TOPIC)["TopicArn"]
        self.other_topic_arn = sns.create_topic(Name="someone-elses-topic")["TopicArn"]
        logs = boto3.client("logs", region_name=REGION)
        logs.create_log_group(logGroupName=LOG_GROUP)
        logs.create_log_group(logGroupName="/someone/else")
        self.log_group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}:*"
        self.other_log_group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/someone/else:*"
        iam = boto3.client("iam", region_name=REGION)
        trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
        self.cwl_role_arn = iam.create_role(RoleName="ct-cwl", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        self.other_role_arn = iam.create_role(RoleName="other", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        self.recorder = Recorder()
        self.cloudtrail = self.recorder.attach(boto3.client("cloudtrail", region_name=REGION))
        self.kms = self.recorder.attach(boto3.client("kms", region_name=REGION))

    def params(self, **over):
        """The runbook's parameters as the remediation configuration sends them (strings), plus the globals."""
        p = {
            "TrailName": TRAIL,
            "S3BucketName": BUCKET,
            "S3KeyPrefix": PREFIX,
            "KmsKeyId": self.key_arn,
            "IsMultiRegionTrail": "true",
            "IsOrganizationTrail": "false",
            "IncludeGlobalServiceEvents": "true",
            "EnableLogFileValidation": "true",
            "SnsTopicARN": "",
            "CloudWatchLogsLogGroupArn": "",
            "CloudWatchLogsRoleArn": "",
            "Region": REGION,
            "AccountId": ACCOUNT,
            "Partition": "aws",
        }
        p.update(over)
        return p

    def compliant_trail(self, client=None, **over):
        """Creates the trail at the baseline, logging, with one management selector; ``over`` are CreateTrail members."""
        ct = client or boto3.client("cloudtrail", region_name=REGION)
        req = dict(Name=TRAIL, S3BucketName=BUCKET, S3KeyPrefix=PREFIX, KmsKeyId=self.key_arn, IsMultiRegionTrail=True,
                   IncludeGlobalServiceEvents=True, EnableLogFileValidation=True, IsOrganizationTrail=False)
        req.update(over)
        req = {k: v for k, v in req.items() if v is not None}
        ct.create_trail(**req)
        ct.put_event_selectors(TrailName=TRAIL, EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
        ct.start_logging(Name=TRAIL)
        return ct

    def trail(self):
        ct = boto3.client("cloudtrail", region_name=REGION)
        return ct.get_trail(Name=TRAIL_ARN)["Trail"]

    def selectors(self):
        ct = boto3.client("cloudtrail", region_name=REGION)
        r = ct.get_event_selectors(TrailName=TRAIL_ARN)
        return r.get("EventSelectors") or [], r.get("AdvancedEventSelectors") or []

    def logging(self):
        ct = boto3.client("cloudtrail", region_name=REGION)
        return ct.get_trail_status(Name=TRAIL_ARN)["IsLogging"]
