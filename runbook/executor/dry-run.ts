/**
 * Dry run: every call is answered by an in-memory {@link CloudTrailModel} seeded with an assumed starting state, and
 * nothing is sent to AWS. Reads see the assumed state; writes change only the model, so later steps see what the
 * writes would have done, and the plan is the whole path the runbook would take from that state.
 *
 * Choice (documented in runbook/executor/README.md): a dry run never reads the real account; the starting state is
 * assumed (`absent`, `stopped`, ...) or read from a fixture file.
 */
import type { RawParameterValue } from './parameters';
import type { ApiCaller } from './executor';
import { isReadApi } from './executor';
import { CloudTrailModel, DEFAULT_EVENT_SELECTORS, type TrailState } from './trail-model';

/** Named starting states for a dry run. */
export const ASSUMED_STATES = [
  'absent',
  'stopped',
  'compliant',
  'wrong-bucket',
  'no-kms-key',
  'validation-off',
  'single-region',
] as const;
/** One of {@link ASSUMED_STATES}. */
export type AssumedState = (typeof ASSUMED_STATES)[number];

const one = (v: RawParameterValue | undefined): string | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? v : v[0];

/**
 * Builds the trail of an assumed state from the execution's parameters: `compliant` is the trail the parameters
 * describe, logging; the others differ from it in one way; `absent` is no trail.
 * @param overrides fields that replace the computed ones (from a fixture file)
 * @throws Error when TrailName or S3BucketName is missing
 */
export function assumedTrail(
  state: AssumedState,
  params: Readonly<Record<string, RawParameterValue>>,
  region: string,
  overrides: Partial<TrailState> = {},
): TrailState | undefined {
  if (state === 'absent') return undefined;
  const name = one(params.TrailName);
  const bucket = one(params.S3BucketName);
  if (!name || !bucket) throw new Error('a dry run needs the TrailName and S3BucketName parameters');
  const b = (k: string, d: boolean): boolean => (one(params[k]) === undefined ? d : one(params[k]) === 'true');
  const base: TrailState = {
    Name: name,
    HomeRegion: region,
    S3BucketName: bucket,
    ...(one(params.S3KeyPrefix) ? { S3KeyPrefix: one(params.S3KeyPrefix) } : {}),
    ...(one(params.KmsKeyId) ? { KmsKeyId: one(params.KmsKeyId) } : {}),
    IsMultiRegionTrail: b('IsMultiRegionTrail', true),
    IncludeGlobalServiceEvents: b('IncludeGlobalServiceEvents', true),
    LogFileValidationEnabled: b('EnableLogFileValidation', true),
    IsOrganizationTrail: b('IsOrganizationTrail', false),
    IsLogging: true,
    EventSelectors: DEFAULT_EVENT_SELECTORS,
  };
  const variant: Record<Exclude<AssumedState, 'absent'>, Partial<TrailState>> = {
    compliant: {},
    stopped: { IsLogging: false },
    'wrong-bucket': { S3BucketName: `${bucket.slice(0, 50)}-elsewhere` },
    'no-kms-key': { KmsKeyId: undefined },
    'validation-off': { LogFileValidationEnabled: false },
    'single-region': { IsMultiRegionTrail: false },
  };
  return { ...base, ...variant[state], ...overrides };
}

/** One call of a dry run. */
export interface PlannedCall {
  readonly api: string;
  readonly input: Record<string, unknown>;
  readonly kind: 'read' | 'write';
  /** Always false: a dry run sends nothing. */
  readonly sent: false;
}

/** An {@link ApiCaller} that answers from a model and sends nothing. */
export class DryRunCaller implements ApiCaller {
  /** Every call, reads and writes, in order. */
  readonly planned: PlannedCall[] = [];
  constructor(
    readonly model: CloudTrailModel,
    private readonly region: string,
  ) {}

  /** @throws Error for a service other than cloudtrail; the model's errors otherwise */
  async call(service: string, api: string, input: Record<string, unknown>): Promise<unknown> {
    if (service !== 'cloudtrail') throw new Error(`a dry run models cloudtrail only, not ${service}`);
    this.planned.push({ api, input, kind: isReadApi(api) ? 'read' : 'write', sent: false });
    return this.model.handle(this.region, api, input);
  }
}
