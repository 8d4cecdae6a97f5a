"""Runs one deployed runbook document with runbook/local_automation.py, in a process of its own, the way SSM would:
the calls use the credentials of the environment (the automation role, assumed through moto's STS by the e2e) and go to
the endpoint in AWS_ENDPOINT_URL (moto). boto3 honours AWS_ENDPOINT_URL as the endpoint of every client
(https://boto3.amazonaws.com/v1/documentation/api/latest/guide/configuration.html#using-environment-variables,
https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).

stdin: JSON {"content": <document text as GetDocument returned it>, "parameters": {name: str | [str]},
             "region": str, "account_id": str, "partition": str, "runs": int (default 1)}
stdout: one line of JSON {"results": [the result of run_document, for each run in turn], "caller": the ARN that STS
        GetCallerIdentity returned}. Runs after the first start from what the one before left (a second run of the
        runbook must write nothing).
Exit status 0 whenever a result was printed (the result says Success or Failed); 2 when the input is unusable.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "runbook"))


def main() -> int:
    try:
        request = json.load(sys.stdin)
        content, parameters = request["content"], request["parameters"]
        region, account_id, partition = request["region"], request["account_id"], request["partition"]
        runs = int(request.get("runs", 1))
    except (ValueError, KeyError, TypeError) as e:
        print(f"run_deployed_runbook: bad request: {e}", file=sys.stderr)
        return 2
    if not os.environ.get("AWS_ENDPOINT_URL", "").startswith("http://127.0.0.1:"):
        print("run_deployed_runbook: AWS_ENDPOINT_URL must name the emulator on 127.0.0.1", file=sys.stderr)
        return 2

    import boto3
    from local_automation import run_document

    session = boto3.session.Session(region_name=region)
    caller = session.client("sts").get_caller_identity()["Arn"]
    results = [run_document(content, parameters, region=region, account_id=account_id, partition=partition,
                            session=session) for _ in range(runs)]
    print(json.dumps({"results": results, "caller": caller}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
