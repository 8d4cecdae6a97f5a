/**
 * An in-memory model of CloudTrail's trail APIs for one account, used by the executor's dry run (`--dry-run`) and,
 * with policy checks plugged in, by the test fake (`__tests__/support/fake-cloudtrail.ts`).
 *
 * Behaviour follows the CloudTrail API reference (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/):
 * - a trail belongs to its home Region; Update/Delete/StartLogging/StopLogging/PutEventSelectors from another Region
 *   fail with InvalidHomeRegionException;
 * - GetTrail, GetTrailStatus and GetEventSelectors from another Region see a multi-Region trail (its shadow);
 *   DescribeTrails lists shadows only with includeShadowTrails (default true);
 * - CreateTrail fails with TrailAlreadyExistsException when the name is taken in the Region (or by a shadow);
 * - an unknown trail is TrailNotFoundException; a new trail is not logging and logs All management events;
 * - the KMS key must be in the trail's home Region (KmsKeyNotFoundException otherwise);
 * - an empty string in UpdateTrail removes S3KeyPrefix, KmsKeyId, SnsTopicName and the CloudWatch Logs settings.
 * Errors are the SDK's own exception classes.
 */
import {
  InvalidHomeRegionException,
  InvalidParameterCombinationException,
  InvalidTrailNameException,
  InvalidEventSelectorsException,
  KmsKeyNotFoundException,
  TrailAlreadyExistsException,
  TrailNotFoundException,
  OperationNotPermittedException,
} from '@aws-sdk/client-cloudtrail';
import { trailArn } from '../../config/arn';
import { findOperation } from './api-model';

/** A basic event selector. https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html */
export interface EventSelectorState {
  readonly ReadWriteType: 'ReadOnly' | 'WriteOnly' | 'All';
  readonly IncludeManagementEvents: boolean;
  readonly DataResources: ReadonlyArray<{ readonly Type: string; readonly Values: readonly string[] }>;
  readonly ExcludeManagementEventSources: readonly string[];
}

/**
 * An advanced event selector (only the parts the runbook reads: every selector has an `eventCategory` field selector).
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html
 */
export interface AdvancedEventSelectorState {
  readonly Name?: string;
  readonly FieldSelectors: ReadonlyArray<{ readonly Field: string; readonly Equals?: readonly string[] }>;
}

/** The stored state of one trail. Optional settings are absent when unset. */
export interface TrailState {
  readonly Name: string;
  readonly HomeRegion: string;
  readonly S3BucketName: string;
  readonly S3KeyPrefix?: string;
  readonly KmsKeyId?: string;
  readonly SnsTopicName?: string;
  readonly CloudWatchLogsLogGroupArn?: string;
  readonly CloudWatchLogsRoleArn?: string;
  readonly IsMultiRegionTrail: boolean;
  readonly IncludeGlobalServiceEvents: boolean;
  readonly LogFileValidationEnabled: boolean;
  readonly IsOrganizationTrail: boolean;
  readonly IsLogging: boolean;
  readonly EventSelectors: readonly EventSelectorState[];
  /**
   * Advanced event selectors; a trail uses either these or `EventSelectors`, never both (PutEventSelectors with one
   * kind replaces the other). @default none (basic selectors)
   */
  readonly AdvancedEventSelectors?: readonly AdvancedEventSelectorState[];
}

/** The trail a Create/Update would leave, with the account and ARN, for delivery checks. */
export interface ProposedTrail extends TrailState {
  readonly TrailARN: string;
  readonly accountId: string;
  readonly partition: string;
}

/** Options of {@link CloudTrailModel}. */
export interface CloudTrailModelOptions {
  /** The account the model answers for. */
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** The organization, when the account is its management account (organization trails are refused otherwise). */
  readonly organizationId?: string;
  /**
   * Called before CreateTrail and UpdateTrail take effect, with the trail as it would be; throws the service's error
   * (InsufficientS3BucketPolicyException, InsufficientEncryptionPolicyException, S3BucketDoesNotExistException...) to
   * refuse it. @default accepts every bucket and key
   */
  readonly checkDelivery?: (trail: ProposedTrail) => Promise<void> | void;
}

/** The default event selectors of a new trail: All management events, no data events. */
export const DEFAULT_EVENT_SELECTORS: readonly EventSelectorState[] = [
  { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
];

const meta = { $metadata: {} };
const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;
type Input = Record<string, unknown>;

/** The model. `handle(region, api, input)` answers one call as the service would. */
export class CloudTrailModel {
  /** Trails by `<homeRegion>/<name>`. */
  readonly trails = new Map<string, TrailState>();
  constructor(readonly options: CloudTrailModelOptions) {}

  get partition(): string {
    return this.options.partition ?? 'aws';
  }

  /** The ARN of a stored trail. */
  arnOf(t: Pick<TrailState, 'Name' | 'HomeRegion'>): string {
    return trailArn(this.partition, t.HomeRegion, this.options.accountId, t.Name);
  }

  /** Stores a trail as is (test set-up, dry-run seeds). */
  put(trail: TrailState): void {
    this.trails.set(`${trail.HomeRegion}/${trail.Name}`, trail);
  }

  /** Every stored trail. */
  list(): TrailState[] {
    return [...this.trails.values()];
  }

  /** The trail named `nameOrArn` as seen from `region`: its own, or the shadow of a multi-Region trail. */
  find(region: string, nameOrArn: string): TrailState | undefined {
    const arn = /^arn:[^:]+:cloudtrail:([^:]+):(\d{12}):trail\/(.+)$/.exec(nameOrArn);
    if (arn) {
      const t = this.trails.get(`${arn[1]}/${arn[3]}`);
      return t && arn[2] === this.options.accountId && (t.HomeRegion === region || t.IsMultiRegionTrail)
        ? t
        : undefined;
    }
    const own = this.trails.get(`${region}/${nameOrArn}`);
    if (own) return own;
    return this.list().find((t) => t.Name === nameOrArn && t.IsMultiRegionTrail);
  }

  private mustFind(region: string, name: unknown, home: boolean): TrailState {
    const t = typeof name === 'string' ? this.find(region, name) : undefined;
    if (!t) {
      throw new TrailNotFoundException({
        message: `Unknown trail: ${String(name)} for the user: ${this.options.accountId}`,
        $metadata: {},
      });
    }
    if (home && t.HomeRegion !== region) {
      throw new InvalidHomeRegionException({
        message: `This operation must be called from the trail's home Region (${t.HomeRegion}); it was called from ${region}.`,
        $metadata: {},
      });
    }
    return t;
  }

  private describe(t: TrailState): Record<string, unknown> {
    return {
      Name: t.Name,
      S3BucketName: t.S3BucketName,
      ...(t.S3KeyPrefix ? { S3KeyPrefix: t.S3KeyPrefix } : {}),
      ...(t.SnsTopicName
        ? {
            SnsTopicName: t.SnsTopicName,
            SnsTopicARN: `arn:${this.partition}:sns:${t.HomeRegion}:${this.options.accountId}:${t.SnsTopicName}`,
          }
        : {}),
      IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents,
      IsMultiRegionTrail: t.IsMultiRegionTrail,
      HomeRegion: t.HomeRegion,
      TrailARN: this.arnOf(t),
      LogFileValidationEnabled: t.LogFileValidationEnabled,
      ...(t.CloudWatchLogsLogGroupArn ? { CloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn } : {}),
      ...(t.CloudWatchLogsRoleArn ? { CloudWatchLogsRoleArn: t.CloudWatchLogsRoleArn } : {}),
      ...(t.KmsKeyId ? { KmsKeyId: t.KmsKeyId } : {}),
      HasCustomEventSelectors: JSON.stringify(t.EventSelectors) !== JSON.stringify(DEFAULT_EVENT_SELECTORS),
      HasInsightSelectors: false,
      IsOrganizationTrail: t.IsOrganizationTrail,
    };
  }

  /** Applies the settings of a Create/UpdateTrail input onto `base`. Empty strings remove optional settings. */
  private applySettings(base: TrailState, input: Input, region: string): TrailState {
    const str = (k: string, cur: string | undefined): string | undefined => {
      if (!(k in input) || input[k] === undefined) return cur;
      const v = String(input[k]);
      return v === '' ? undefined : v;
    };
    const bool = (k: string, cur: boolean): boolean => (typeof input[k] === 'boolean' ? (input[k] as boolean) : cur);
    const next: TrailState = {
      ...base,
      S3BucketName:
        typeof input.S3BucketName === 'string' && input.S3BucketName !== '' ? input.S3BucketName : base.S3BucketName,
      S3KeyPrefix: str('S3KeyPrefix', base.S3KeyPrefix),
      KmsKeyId: str('KmsKeyId', base.KmsKeyId),
      SnsTopicName: str('SnsTopicName', base.SnsTopicName),
      CloudWatchLogsLogGroupArn: str('CloudWatchLogsLogGroupArn', base.CloudWatchLogsLogGroupArn),
      CloudWatchLogsRoleArn: str('CloudWatchLogsRoleArn', base.CloudWatchLogsRoleArn),
      IsMultiRegionTrail: bool('IsMultiRegionTrail', base.IsMultiRegionTrail),
      IncludeGlobalServiceEvents: bool('IncludeGlobalServiceEvents', base.IncludeGlobalServiceEvents),
      LogFileValidationEnabled: bool('EnableLogFileValidation', base.LogFileValidationEnabled),
      IsOrganizationTrail: bool('IsOrganizationTrail', base.IsOrganizationTrail),
    };
    if (next.IsMultiRegionTrail && !next.IncludeGlobalServiceEvents) {
      throw new InvalidParameterCombinationException({
        message: 'Multi-Region trail must include global service events.',
        $metadata: {},
      });
    }
    if (!!next.CloudWatchLogsLogGroupArn !== !!next.CloudWatchLogsRoleArn) {
      throw new InvalidParameterCombinationException({
        message: 'CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn are set together.',
        $metadata: {},
      });
    }
    if (next.KmsKeyId) {
      const k = /^arn:[^:]+:kms:([^:]+):(\d{12}):key\/.+$/.exec(next.KmsKeyId);
      if (!k || k[1] !== region) {
        throw new KmsKeyNotFoundException({
          message: `KMS key ${next.KmsKeyId} does not exist, or is not in the trail's Region ${region}.`,
          $metadata: {},
        });
      }
    }
    if (next.IsOrganizationTrail && !this.options.organizationId) {
      throw new OperationNotPermittedException({
        message:
          'Only the management account (or a delegated administrator) of an organization can create an organization trail.',
        $metadata: {},
      });
    }
    return next;
  }

  private async checked(t: TrailState): Promise<void> {
    await this.options.checkDelivery?.({
      ...t,
      TrailARN: this.arnOf(t),
      accountId: this.options.accountId,
      partition: this.partition,
    });
  }

  /**
   * Answers one call.
   * @param region the Region of the client that made the call
   * @param api the operation (`GetTrail`)
   * @param input the operation's input
   * @returns the operation's output, with `$metadata`
   * @throws the service's error, as an SDK ServiceException subclass
   */
  async handle(region: string, api: string, input: Input): Promise<Record<string, unknown>> {
    const out = await this.answer(region, api, input);
    // Keep only the members of the operation's output shape, as the SDK's deserializer does.
    const shape = findOperation('cloudtrail', api)?.output;
    const members = shape?.members?.();
    if (!members) return out;
    return Object.fromEntries(Object.entries(out).filter(([k]) => k === '$metadata' || members.has(k)));
  }

  private async answer(region: string, api: string, input: Input): Promise<Record<string, unknown>> {
    switch (api) {
      case 'GetTrail': {
        const t = this.mustFind(region, input.Name, false);
        return { Trail: this.describe(t), ...meta };
      }
      case 'DescribeTrails': {
        const names = (input.trailNameList as string[] | undefined) ?? [];
        const shadows = input.includeShadowTrails !== false;
        const visible = this.list().filter((t) => t.HomeRegion === region || (shadows && t.IsMultiRegionTrail));
        const picked = names.length
          ? visible.filter((t) => names.includes(t.Name) || names.includes(this.arnOf(t)))
          : visible;
        return { trailList: picked.map((t) => this.describe(t)), ...meta };
      }
      case 'GetTrailStatus': {
        const t = this.mustFind(region, input.Name, false);
        return { IsLogging: t.IsLogging, ...meta };
      }
      case 'GetEventSelectors': {
        const t = this.mustFind(region, input.TrailName, false);
        return t.AdvancedEventSelectors?.length
          ? { TrailARN: this.arnOf(t), AdvancedEventSelectors: t.AdvancedEventSelectors, ...meta }
          : { TrailARN: this.arnOf(t), EventSelectors: t.EventSelectors, ...meta };
      }
      case 'CreateTrail': {
        const name = String(input.Name ?? '');
        if (!TRAIL_NAME.test(name) || /[._-]{2}/.test(name)) {
          throw new InvalidTrailNameException({
            message: `Trail name ${JSON.stringify(name)} is not valid.`,
            $metadata: {},
          });
        }
        if (this.find(region, name)) {
          throw new TrailAlreadyExistsException({
            message: `Trail ${name} already exists for customer: ${this.options.accountId}`,
            $metadata: {},
          });
        }
        const base: TrailState = {
          Name: name,
          HomeRegion: region,
          S3BucketName: String(input.S3BucketName ?? ''),
          IsMultiRegionTrail: false,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: false,
          IsOrganizationTrail: false,
          IsLogging: false,
          EventSelectors: DEFAULT_EVENT_SELECTORS,
        };
        const t = this.applySettings(base, input, region);
        await this.checked(t);
        this.put(t);
        return { ...this.describe(t), ...meta };
      }
      case 'UpdateTrail': {
        const cur = this.mustFind(region, input.Name, true);
        const t = this.applySettings(cur, input, region);
        await this.checked(t);
        this.put(t);
        return { ...this.describe(t), ...meta };
      }
      case 'StartLogging':
      case 'StopLogging': {
        const t = this.mustFind(region, input.Name, true);
        this.put({ ...t, IsLogging: api === 'StartLogging' });
        return { ...meta };
      }
      case 'PutEventSelectors': {
        const t = this.mustFind(region, input.TrailName, true);
        const advanced = input.AdvancedEventSelectors as AdvancedEventSelectorState[] | undefined;
        if (advanced !== undefined && input.EventSelectors !== undefined) {
          throw new InvalidEventSelectorsException({
            message: 'Specify either EventSelectors or AdvancedEventSelectors, not both.',
            $metadata: {},
          });
        }
        if (advanced !== undefined) {
          if (!Array.isArray(advanced) || advanced.length === 0) {
            throw new InvalidEventSelectorsException({ message: 'AdvancedEventSelectors is empty.', $metadata: {} });
          }
          this.put({ ...t, EventSelectors: [], AdvancedEventSelectors: advanced });
          return { TrailARN: this.arnOf(t), AdvancedEventSelectors: advanced, ...meta };
        }
        const sels = input.EventSelectors as Array<Partial<EventSelectorState>> | undefined;
        if (!Array.isArray(sels) || sels.length === 0 || sels.length > 5) {
          throw new InvalidEventSelectorsException({ message: 'A trail has 1 to 5 event selectors.', $metadata: {} });
        }
        const norm: EventSelectorState[] = sels.map((s) => ({
          ReadWriteType: s.ReadWriteType ?? 'All',
          IncludeManagementEvents: s.IncludeManagementEvents ?? true,
          DataResources: (s.DataResources ?? []).map((d) => ({ Type: d.Type, Values: [...(d.Values ?? [])] })),
          ExcludeManagementEventSources: [...(s.ExcludeManagementEventSources ?? [])],
        }));
        const all = norm.flatMap((s) => s.DataResources);
        if (all.some((d) => !/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(String(d.Type)) || d.Values.length === 0)) {
          throw new InvalidEventSelectorsException({
            message: 'Each data resource has a Type (AWS::S3::Object, ...) and at least one value.',
            $metadata: {},
          });
        }
        const { AdvancedEventSelectors: _replaced, ...basic } = t;
        void _replaced;
        this.put({ ...basic, EventSelectors: norm });
        return { TrailARN: this.arnOf(t), EventSelectors: norm, ...meta };
      }
      case 'DeleteTrail': {
        const t = this.mustFind(region, input.Name, true);
        this.trails.delete(`${t.HomeRegion}/${t.Name}`);
        return { ...meta };
      }
      default:
        throw new Error(`the CloudTrail model does not implement ${api}`);
    }
  }
}
