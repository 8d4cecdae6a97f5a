"""Runs the cloudtrail-guard runbook from a terminal: ``npm run runbook -- [options]``.

  --dry-run                  run against moto in this process (nothing leaves the machine), from --assume-state
  --assume-state STATE       absent | stopped | compliant | wrong-bucket | no-kms-key | validation-off |
                             single-region | write-only-events     (default: stopped)
  --param Name=Value         a runbook parameter (repeat a name for a StringList)
  --params-file FILE         parameters as JSON {"Name": "value" | ["v1", "v2"]}
  --region REGION            the trail's home Region (default: AWS_REGION, then AWS_DEFAULT_REGION)
  --endpoint-url URL         send the calls to this endpoint (an emulator such as moto server)
  --account-id ID            {{ global:ACCOUNT_ID }} (default: STS GetCallerIdentity; in a dry run the account of
                             AutomationAssumeRole, else 123456789012)
  --file TEMPLATE            the runbook template (default: runbook/cloudtrail-remediation-action.yml)
  --json                     print the result as JSON

Without --dry-run the calls use boto3's default credential chain; the runbook's assumeRole is reported, not assumed.
Exit status: 0 the execution ended Success, 1 it ended Failed, 2 usage error or moto missing for a dry run.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

STATES = ["absent", "stopped", "compliant", "wrong-bucket", "no-kms-key", "validation-off", "single-region", "write-only-events"]


def usage(message):
    print(f"runbook: {message}", file=sys.stderr)
    sys.exit(2)


def parse_params(args):
    params = {}
    if args.params_file:
        try:
            with open(args.params_file, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            usage(f"--params-file {args.params_file!r}: {e}")
        ok = isinstance(data, dict) and all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for v in data.values()
        )
        if not ok:
            usage(f"--params-file {args.params_file!r}: a JSON object of name to a string or a list of strings")
        params.update(data)
    given = {}
    for item in args.param or []:
        if "=" not in item:
            usage(f"--param {item!r}: Name=Value")
        name, value = item.split("=", 1)
        if not re.fullmatch(r"[A-Za-z0-9_]{1,50}", name):
            usage(f"--param {item!r}: the name is 1 to 50 letters, digits or _")
        given.setdefault(name, []).append(value)
    params.update({name: values[0] if len(values) == 1 else values for name, values in given.items()})
    return params


def seed(state, params, region):
    """The broken state of --assume-state, made in moto: the bucket (and topic) exist, the trail is set up so."""
    import boto3

    s3 = boto3.client("s3", region_name=region)
    kw = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    for bucket in {params.get("S3BucketName", ""), "someone-elses-bucket"} - {""}:
        s3.create_bucket(Bucket=bucket, **kw)
    topic = params.get("SnsTopicARN", "")
    if topic:
        boto3.client("sns", region_name=region).create_topic(Name=topic.split(":")[-1])
    if state == "absent":
        return
    ct = boto3.client("cloudtrail", region_name=region)
    req = dict(Name=params["TrailName"], S3BucketName=params["S3BucketName"], KmsKeyId=params.get("KmsKeyId"),
               IsMultiRegionTrail=True, IncludeGlobalServiceEvents=True, EnableLogFileValidation=True)
    if params.get("S3KeyPrefix"):
        req["S3KeyPrefix"] = params["S3KeyPrefix"]
    if state == "wrong-bucket":
        req["S3BucketName"] = "someone-elses-bucket"
    if state == "no-kms-key":
        req.pop("KmsKeyId")
    if state == "validation-off":
        req["EnableLogFileValidation"] = False
    if state == "single-region":
        req["IsMultiRegionTrail"] = False
    ct.create_trail(**{k: v for k, v in req.items() if v is not None})
    rwt = "WriteOnly" if state == "write-only-events" else "All"
    ct.put_event_selectors(TrailName=params["TrailName"], EventSelectors=[{"ReadWriteType": rwt, "IncludeManagementEvents": True}])
    if state != "stopped":
        ct.start_logging(Name=params["TrailName"])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="npm run runbook --", description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--assume-state", choices=STATES, default="stopped")
    parser.add_argument("--param", action="append")
    parser.add_argument("--params-file")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
    parser.add_argument("--endpoint-url")
    parser.add_argument("--account-id")
    parser.add_argument("--file", default=os.path.join(HERE, "cloudtrail-remediation-action.yml"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.region:
        usage("--region is required (or set AWS_REGION)")
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", args.region):
        usage(f"--region {args.region!r}: a Region such as us-east-1")
    if args.account_id is not None and not re.fullmatch(r"\d{12}", args.account_id):
        usage(f"--account-id {args.account_id!r}: 12 digits")
    params = parse_params(args)
    import boto3
    from local_automation import render_template, run_document

    import yaml

    try:
        document = render_template(args.file)
        if not isinstance(document, dict):
            raise ValueError("not a runbook (a YAML mapping)")
    except (OSError, ValueError, AttributeError, RecursionError, yaml.YAMLError) as e:
        usage(f"--file {args.file!r}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    partition = "aws-cn" if args.region.startswith("cn-") else "aws-us-gov" if args.region.startswith("us-gov-") else "aws"
    if args.dry_run:
        try:
            from moto import mock_aws
        except ImportError:
            usage("--dry-run runs against moto, which is not installed for this python3")
        for name in ("TrailName", "S3BucketName"):
            if not isinstance(params.get(name), str) or not params[name]:
                usage(f"--param {name}=... is required for a dry run (one value)")
        # The dry run's account: --account-id, else the account of AutomationAssumeRole, else moto's default.
        role = params.get("AutomationAssumeRole")
        role_account = role.split(":")[4] if isinstance(role, str) and role.count(":") >= 5 else ""
        account = args.account_id or (role_account if re.fullmatch(r"\d{12}", role_account) else "123456789012")
        for k, v in {"AWS_ACCESS_KEY_ID": "dry-run", "AWS_SECRET_ACCESS_KEY": "dry-run", "MOTO_ACCOUNT_ID": account}.items():
            os.environ[k] = v  # moto's documented way to set the account of mock_aws
        os.environ.pop("AWS_ENDPOINT_URL", None)
        with mock_aws():
            try:
                seed(args.assume_state, params, args.region)
            except Exception as e:  # a parameter moto refuses when making the starting state
                usage(f"--assume-state {args.assume_state}: the starting state cannot be made from these parameters: {e}")
            result = run_document(document, params, region=args.region, account_id=account,
                                  partition=partition, session=boto3.session.Session(region_name=args.region))
    else:
        if args.endpoint_url:
            os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url  # boto3 honours it for every client
        session = boto3.session.Session(region_name=args.region)
        account = args.account_id or session.client("sts").get_caller_identity()["Account"]
        result = run_document(document, params, region=args.region, account_id=account, partition=partition, session=session)
    writes = [c for c in result["calls"] if c in {"CreateTrail", "UpdateTrail", "PutEventSelectors", "StartLogging"}]
    if args.json:
        print(json.dumps({**result, "writes": writes}, indent=2, default=str))
    else:
        where = f"dry run on moto from state {args.assume_state}, account {account}" if args.dry_run else (args.endpoint_url or "AWS")
        print(f"runbook ({where}): {result['status']}")
        print(f"  calls: {' '.join(result['calls']) or 'none'}")
        print(f"  write calls: {' '.join(writes) or 'none'}")
        for k, v in result["outputs"].items():
            print(f"  {k}: {v}")
        if result["failure"]:
            print(f"  failure: {result['failure']}")
    return 0 if result["status"] == "Success" else 1


if __name__ == "__main__":
    sys.exit(main())
