"""moto's server on loopback, with narrow extensions for what moto 5.2.1 lacks. Each is named in EXTENSIONS,
which the e2e prints.

Usage: python3 __tests__/e2e/moto_server.py <port>   (binds 127.0.0.1 only)

1. CloudTrail StartLogging, StopLogging and DeleteTrail take "the name or the CloudTrail ARN of the trail" (API
reference below); moto 5.2.1 looks the value up by name only (moto/cloudtrail/models.py: `self.trails[name]`), so the
provider's StartLogging with the trail ARN ends in a KeyError (HTTP 500, retried until the provider gives up) and a
DeleteTrail by ARN silently deletes nothing. The extension resolves an ARN to the trail first, with moto's own
get_trail (which already accepts both), and changes nothing else.
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StartLogging.html
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html

2. DeleteTrail leaves the trail's tags behind in moto 5.2.1 (they are kept by ARN in its tagging service), so a trail
created again under the same name comes back with the old tags. AWS documents no such carry-over (a CreateTrail's tags
are its TagsList: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html), and the plausible
behaviour is that the tags go with the trail; the extension makes DeleteTrail forget them, so the e2e holds under that
behaviour, the stricter one.

3. Reads across accounts, which the central log archive needs (an account's trail delivers to the archive account's
bucket, encrypted with its key): moto keeps S3 and KMS per account, so CreateTrail finds no bucket of another account
(S3 bucket names are global in a partition: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)
and DescribeKey finds no key of another account ("To perform this operation on a KMS key in a different AWS account,
specify the key ARN or alias ARN": https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html). The
extension looks the bucket up in every account of the partition, and a DescribeKey by an ARN of another account in
that account; permissions are still not evaluated (moto evaluates no IAM policy).

4. KMS GetKeyRotationStatus leaves out RotationPeriodInDays, and EnableKeyRotation ignores it, in moto 5.2.1; the
provider then reads 0 for a key created with rotation_period_in_days and plans a change forever. The extension keeps
the period EnableKeyRotation was given (365 when none, as the API reference says) and returns it while rotation is on.
https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html
https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html

5. AWS Config remediation configurations: moto 5.2.1 implements no PutRemediationConfigurations, DescribeRemediationConfigurations or
DeleteRemediationConfiguration (moto/config/responses.py has no such method; the call ends in NotImplementedError),
so `aws_config_remediation_configuration` cannot be applied. This extension stores each configuration exactly as sent
and returns it in the shape of the API reference; it checks only what the API reference names as an error of these
calls (NoSuchConfigRuleException: the rule must exist; NoSuchRemediationConfigurationException on delete). It does
nothing else: no remediation ever runs from it. It is a fake of our own, so nothing it returns is evidence about AWS:
the e2e uses it only so that the stack applies and the provider reads the resource back.

https://docs.aws.amazon.com/config/latest/APIReference/API_PutRemediationConfigurations.html
https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeRemediationConfigurations.html
https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteRemediationConfiguration.html
https://docs.aws.amazon.com/config/latest/APIReference/API_RemediationConfiguration.html
"""
from __future__ import annotations

import copy
import json
import re
import sys
import threading
import uuid

from moto.cloudtrail.exceptions import S3BucketDoesNotExistException
from moto.cloudtrail.models import CloudTrailBackend, Trail
from moto.kms.exceptions import NotFoundException
from moto.kms.models import kms_backends
from moto.kms.responses import KmsResponse
from moto.s3.models import s3_backends
from moto.config.exceptions import NoSuchConfigRuleException
from moto.config.responses import ConfigResponse
from moto.core.exceptions import JsonRESTError

#: What the extensions add, one line each, printed by the e2e.
EXTENSIONS = (
    "moto 5.2.1 CloudTrail StartLogging/StopLogging/DeleteTrail find a trail by name only, not by ARN: "
    "__tests__/e2e/moto_server.py resolves the ARN first",
    "moto 5.2.1 CloudTrail DeleteTrail keeps the trail's tags for a trail created again under its name: "
    "__tests__/e2e/moto_server.py deletes them with the trail",
    "moto 5.2.1 keeps S3 and KMS per account: __tests__/e2e/moto_server.py finds a trail's bucket in any account of "
    "the partition and answers a DescribeKey by an ARN of another account from that account",
    "moto 5.2.1 KMS EnableKeyRotation/GetKeyRotationStatus drop RotationPeriodInDays: __tests__/e2e/moto_server.py "
    "keeps and returns it",
    "moto 5.2.1 has no Put/Describe/DeleteRemediationConfiguration(s): __tests__/e2e/moto_server.py stores each "
    "configuration as sent and returns it (it never runs a remediation)",
)


def _by_name_or_arn(method):
    def wrapper(self: CloudTrailBackend, name: str) -> None:
        if name not in self.trails and name.startswith("arn:"):
            name = next((k for k, t in self.trails.items() if t.arn == name), name)
        return method(self, name)

    wrapper.__name__ = method.__name__
    return wrapper


CloudTrailBackend.start_logging = _by_name_or_arn(CloudTrailBackend.start_logging)  # type: ignore[method-assign]
CloudTrailBackend.stop_logging = _by_name_or_arn(CloudTrailBackend.stop_logging)  # type: ignore[method-assign]


def _bucket_in_any_account(self: Trail) -> None:
    for account in list(s3_backends.keys()):
        try:
            s3_backends[account][self.partition].get_bucket(self.bucket_name)
            return
        except Exception:  # moto's MissingBucket in that account
            continue
    raise S3BucketDoesNotExistException(f"S3 bucket {self.bucket_name} does not exist!")


Trail.check_bucket_exists = _bucket_in_any_account  # type: ignore[method-assign]

_ARN = re.compile(r"arn:[a-z-]+:kms:([a-z0-9-]+):(\d{12}):(key|alias)/.+")
_own_describe_key = KmsResponse.describe_key


def _describe_key_across_accounts(self: KmsResponse) -> str:
    key_id = self._get_param("KeyId") or ""
    m = _ARN.fullmatch(key_id)
    if not m or m.group(2) == self.current_account:
        return _own_describe_key(self)
    backend = kms_backends[m.group(2)][m.group(1)]
    try:
        key = backend.describe_key(key_id if m.group(3) == "alias" else backend.get_key_id(key_id))
    except (KeyError, TypeError, AttributeError):  # moto's lookups of an unknown key or alias
        raise NotFoundException(f"Key '{key_id}' does not exist") from None
    return json.dumps(key.to_dict())


KmsResponse.describe_key = _describe_key_across_accounts  # type: ignore[method-assign]

_own_enable_rotation = KmsResponse.enable_key_rotation
_own_rotation_status = KmsResponse.get_key_rotation_status


def _enable_key_rotation(self: KmsResponse) -> str:
    out = _own_enable_rotation(self)
    key = self.kms_backend.keys[self.kms_backend.get_key_id(self._get_param("KeyId"))]
    key.e2e_rotation_period_in_days = self._get_param("RotationPeriodInDays") or 365
    return out


def _get_key_rotation_status(self: KmsResponse) -> str:
    out = json.loads(_own_rotation_status(self))
    key = self.kms_backend.keys[self.kms_backend.get_key_id(self._get_param("KeyId"))]
    if out.get("KeyRotationEnabled"):
        out["RotationPeriodInDays"] = getattr(key, "e2e_rotation_period_in_days", 365)
    return json.dumps(out)


KmsResponse.enable_key_rotation = _enable_key_rotation  # type: ignore[method-assign]
KmsResponse.get_key_rotation_status = _get_key_rotation_status  # type: ignore[method-assign]


def _delete_trail_and_its_tags(method):
    def wrapper(self: CloudTrailBackend, name: str) -> None:
        trail = self.trails.get(name)
        method(self, name)
        if trail is not None and name not in self.trails:
            self.tagging_service.delete_all_tags_for_resource(trail.arn)

    wrapper.__name__ = method.__name__
    return wrapper


CloudTrailBackend.delete_trail = _by_name_or_arn(  # type: ignore[method-assign]
    _delete_trail_and_its_tags(CloudTrailBackend.delete_trail))

_LOCK = threading.Lock()
#: (account, region) -> ConfigRuleName -> RemediationConfiguration as the API returns it
_STORE: dict[tuple[str, str], dict[str, dict]] = {}


class NoSuchRemediationConfigurationException(JsonRESTError):
    code = 400

    def __init__(self, rule_name: str):
        super().__init__(
            "NoSuchRemediationConfigurationException",
            f"No RemediationConfiguration for rule '{rule_name}' exists.",
        )


def _store(resp: ConfigResponse) -> dict[str, dict]:
    return _STORE.setdefault((resp.current_account, resp.region), {})


def put_remediation_configurations(self: ConfigResponse) -> str:
    items = json.loads(self.body)["RemediationConfigurations"]
    with _LOCK:
        store = _store(self)
        for item in items:
            name = item["ConfigRuleName"]
            if name not in self.config_backend.config_rules:
                raise NoSuchConfigRuleException(name)
            stored = copy.deepcopy(item)
            old = store.get(name)
            stored["Arn"] = old["Arn"] if old else (
                f"arn:aws:config:{self.region}:{self.current_account}:remediation-configuration/{name}/{uuid.uuid4()}"
            )
            store[name] = stored
    return json.dumps({"FailedBatches": []})


def describe_remediation_configurations(self: ConfigResponse) -> str:
    names = json.loads(self.body).get("ConfigRuleNames", [])
    with _LOCK:
        store = _store(self)
        found = [copy.deepcopy(store[n]) for n in names if n in store]
    return json.dumps({"RemediationConfigurations": found})


def delete_remediation_configuration(self: ConfigResponse) -> str:
    name = json.loads(self.body)["ConfigRuleName"]
    with _LOCK:
        store = _store(self)
        if name not in store:
            raise NoSuchRemediationConfigurationException(name)
        del store[name]
    return "{}"


ConfigResponse.put_remediation_configurations = put_remediation_configurations  # type: ignore[attr-defined]
ConfigResponse.describe_remediation_configurations = describe_remediation_configurations  # type: ignore[attr-defined]
ConfigResponse.delete_remediation_configuration = delete_remediation_configuration  # type: ignore[attr-defined]


def main(argv: list[str]) -> None:
    if len(argv) != 1 or not argv[0].isdigit():
        print("usage: moto_server.py <port>", file=sys.stderr)
        sys.exit(2)
    from moto.server import main as moto_main

    moto_main(["-H", "127.0.0.1", "-p", argv[0]])


if __name__ == "__main__":
    main(sys.argv[1:])
