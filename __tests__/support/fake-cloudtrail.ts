/**
 * A stateful fake of CloudTrail for tests, plugged into every `CloudTrailClient` with aws-sdk-client-mock.
 *
 * State and API behaviour come from the executor's {@link CloudTrailModel} (trail-model.ts): TrailNotFoundException,
 * TrailAlreadyExistsException, the home-Region rule (InvalidHomeRegionException; shadows of multi-Region trails seen
 * from other Regions). The fake adds what the real service checks on CreateTrail and UpdateTrail: that the bucket
 * policy and the key policy let CloudTrail deliver, decided by evaluating the policy documents with
 * `@cloud-copilot/iam-simulate` (the cloudtrail.amazonaws.com service principal calling s3:GetBucketAcl and
 * s3:PutObject with `s3:x-amz-acl` and `aws:SourceArn`, and kms:GenerateDataKey / kms:DescribeKey with the
 * `aws:cloudtrail:arn` encryption context).
 *
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  InsufficientEncryptionPolicyException,
  InsufficientS3BucketPolicyException,
  KmsKeyNotFoundException,
  PutEventSelectorsCommand,
  S3BucketDoesNotExistException,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { bucketArn } from '../../config/arn';
import { CloudTrailModel, type ProposedTrail, type TrailState } from '../../runbook/executor/trail-model';

/** A policy document as JSON data (what `JSON.parse(policyJson(...))` gives). */
export type PolicyJson = { readonly Version: string; readonly Statement: readonly object[] };

/** Options of {@link FakeCloudTrail}. */
export interface FakeCloudTrailOptions {
  /** The account whose trails the fake holds. */
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Set when the account is the organization's management account; organization trails are refused otherwise. */
  readonly organizationId?: string;
  /** Buckets that exist: name → bucket policy (and owner account, @default accountId). A missing bucket is S3BucketDoesNotExistException. */
  readonly buckets: Readonly<Record<string, { readonly policy: PolicyJson; readonly ownerAccountId?: string }>>;
  /** Keys that exist: key ARN → key policy; `bucketKey` also checks kms:Decrypt (S3 Bucket Key). */
  readonly keys: Readonly<Record<string, { readonly policy: PolicyJson; readonly bucketKey?: boolean }>>;
}

/** One call the fake answered. */
export interface FakeCall {
  readonly region: string;
  readonly api: string;
  readonly input: Record<string, unknown>;
  /** The error's name when the call failed. */
  readonly error?: string;
}

const WRITE_APIS = new Set([
  'CreateTrail',
  'UpdateTrail',
  'DeleteTrail',
  'StartLogging',
  'StopLogging',
  'PutEventSelectors',
]);
const COMMANDS = {
  CreateTrail: CreateTrailCommand,
  DeleteTrail: DeleteTrailCommand,
  DescribeTrails: DescribeTrailsCommand,
  GetEventSelectors: GetEventSelectorsCommand,
  GetTrail: GetTrailCommand,
  GetTrailStatus: GetTrailStatusCommand,
  PutEventSelectors: PutEventSelectorsCommand,
  StartLogging: StartLoggingCommand,
  StopLogging: StopLoggingCommand,
  UpdateTrail: UpdateTrailCommand,
} as const;

/** The fake. Create it, `install()` it (mocks every CloudTrailClient), run, then read `calls` and `trail()`. */
export class FakeCloudTrail {
  readonly model: CloudTrailModel;
  readonly calls: FakeCall[] = [];
  private stub?: AwsClientStub<CloudTrailClient>;

  constructor(readonly options: FakeCloudTrailOptions) {
    this.model = new CloudTrailModel({
      accountId: options.accountId,
      partition: options.partition,
      organizationId: options.organizationId,
      checkDelivery: (t) => this.checkDelivery(t),
    });
  }

  /** Mocks `CloudTrailClient#send` for every client; the Region of the call is the client's Region. */
  install(): this {
    this.stub = mockClient(CloudTrailClient);
    for (const [api, Command] of Object.entries(COMMANDS)) {
      this.stub
        .on(Command as never)
        .callsFake(async (input: Record<string, unknown>, getClient: () => CloudTrailClient) => {
          const r = getClient().config.region as unknown;
          const region = typeof r === 'function' ? String(await (r as () => Promise<string>)()) : String(r);
          try {
            const out = await this.model.handle(region, api, input);
            this.calls.push({ region, api, input });
            return out;
          } catch (e) {
            this.calls.push({ region, api, input, error: (e as Error).name });
            throw e;
          }
        });
    }
    return this;
  }

  /** Restores the real `send`. */
  restore(): void {
    this.stub?.restore();
    this.stub = undefined;
  }

  /** Stores a trail (a starting state). */
  seed(trail: TrailState): this {
    this.model.put(trail);
    return this;
  }

  /** The stored trail `name` with home Region `region`. */
  trail(name: string, region: string): TrailState | undefined {
    return this.model.trails.get(`${region}/${name}`);
  }

  /** The successful write calls, as `Api` names. */
  writes(): string[] {
    return this.calls.filter((c) => WRITE_APIS.has(c.api) && !c.error).map((c) => c.api);
  }

  /** Forgets the recorded calls (between two runs). */
  clearCalls(): void {
    this.calls.length = 0;
  }

  /**
   * Decides, as CloudTrail does on CreateTrail/UpdateTrail, whether the bucket policy and key policy let the trail
   * deliver.
   * @throws S3BucketDoesNotExistException, InsufficientS3BucketPolicyException, KmsKeyNotFoundException,
   *   InsufficientEncryptionPolicyException
   */
  async checkDelivery(t: ProposedTrail): Promise<void> {
    const bucket = this.options.buckets[t.S3BucketName];
    if (!bucket)
      throw new S3BucketDoesNotExistException({
        message: `S3 bucket ${t.S3BucketName} does not exist.`,
        $metadata: {},
      });
    const owner = bucket.ownerAccountId ?? t.accountId;
    const bArn = bucketArn(t.partition, t.S3BucketName);
    const prefix = t.S3KeyPrefix ? `${t.S3KeyPrefix}/` : '';
    const context = { 'aws:SourceArn': t.TrailARN, 'aws:SourceAccount': t.accountId, 'aws:SecureTransport': 'true' };
    const objectKeys = [
      `${prefix}AWSLogs/${t.accountId}/CloudTrail/${t.HomeRegion}/2026/01/01/${t.accountId}_CloudTrail_${t.HomeRegion}_20260101T0000Z_test.json.gz`,
    ];
    if (t.IsOrganizationTrail && this.options.organizationId) {
      objectKeys.push(
        `${prefix}AWSLogs/${this.options.organizationId}/${t.accountId}/CloudTrail/${t.HomeRegion}/2026/01/01/${t.accountId}_CloudTrail_${t.HomeRegion}_20260101T0000Z_test.json.gz`,
      );
    }
    const s3Requests: Array<[string, string, Record<string, string>]> = [
      ['s3:GetBucketAcl', bArn, context],
      ...objectKeys.map((k): [string, string, Record<string, string>] => [
        's3:PutObject',
        `${bArn}/${k}`,
        { ...context, 's3:x-amz-acl': 'bucket-owner-full-control' },
      ]),
    ];
    for (const [action, resource, ctx] of s3Requests) {
      const decision = await evaluate(bucket.policy, action, resource, owner, ctx);
      if (decision !== 'Allowed') {
        throw new InsufficientS3BucketPolicyException({
          message: `Incorrect S3 bucket policy is detected for bucket: ${t.S3BucketName} (${action} on ${resource}: ${decision})`,
          $metadata: {},
        });
      }
    }
    if (!t.KmsKeyId) return;
    const key = this.options.keys[t.KmsKeyId];
    if (!key) throw new KmsKeyNotFoundException({ message: `KMS key ${t.KmsKeyId} does not exist.`, $metadata: {} });
    const keyAccount = /^arn:[^:]+:kms:[^:]+:(\d{12}):/.exec(t.KmsKeyId)![1];
    const kmsRequests: Array<[string, Record<string, string>]> = [
      ['kms:GenerateDataKey', { ...context, 'kms:EncryptionContext:aws:cloudtrail:arn': t.TrailARN }],
      ['kms:DescribeKey', context],
      ...(key.bucketKey
        ? [
            ['kms:Decrypt', { ...context, 'kms:EncryptionContext:aws:cloudtrail:arn': t.TrailARN }] as [
              string,
              Record<string, string>,
            ],
          ]
        : []),
    ];
    for (const [action, ctx] of kmsRequests) {
      const decision = await evaluate(key.policy, action, t.KmsKeyId, keyAccount, ctx, true);
      if (decision !== 'Allowed') {
        throw new InsufficientEncryptionPolicyException({
          message: `Insufficient permissions to access S3 bucket ${t.S3BucketName} or KMS key ${t.KmsKeyId} (${action}: ${decision})`,
          $metadata: {},
        });
      }
    }
  }
}

/**
 * Evaluates a resource policy for the CloudTrail service principal.
 * KMS requests use `runUnsafeSimulation`: iam-simulate's validated path drops `kms:EncryptionContext:<key>` context
 * keys (it matches templated keys on `/` only, and this key's template separator is `:`).
 * @returns 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'; a simulation error is thrown
 */
export async function evaluate(
  policy: PolicyJson,
  action: string,
  resource: string,
  resourceAccount: string,
  context: Record<string, string>,
  unsafe = false,
): Promise<string> {
  const simulation: Simulation = {
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policy as unknown as Simulation['resourcePolicy'],
    request: {
      principal: 'cloudtrail.amazonaws.com',
      action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: context,
    },
  };
  if (unsafe) {
    // runUnsafeSimulation loads a raw resource policy without metadata and then reads its name; a ValidatedPolicy
    // (iam-policy's plain-data form: document, metadata, errors) carries the name.
    const validated = { __validated: true, policyDocument: policy, metadata: { name: 'ResourcePolicy' }, errors: [] };
    return runUnsafeSimulation(
      { ...simulation, resourcePolicy: validated as unknown as Simulation['resourcePolicy'] },
      {},
    );
  }
  const r = await runSimulation(simulation, {});
  if (r.resultType === 'error')
    throw new Error(`iam-simulate refused the simulation of ${action} on ${resource}: ${JSON.stringify(r.errors)}`);
  return r.overallResult;
}
