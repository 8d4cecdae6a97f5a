/**
 * One baseline source (issue 8, point 4): in every stack of every example, the `aws_cloudtrail` resource, the
 * remediation configuration's runbook parameters and the fast path's input say the same trail settings, all rendered
 * from TRAIL_BASELINE (modules/trail-baseline.ts); and the management selector the runbook's handler writes is the
 * one the resource sets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRAIL_BASELINE } from '../../modules/trail-baseline';
import { HANDLER_PATH } from '../../runbook/document/document';
import { example, only, resources, ROOT, synthFile } from '../support/synth';

/** Every example stack that remediates (log-archive and detection-only stacks have no runbook to feed). */
const stacks = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => synthFile(example(f)).map((s): [string, Record<string, any>] => [`${f} ${s.name}`, s.json]))
  .filter(([, json]) => resources(json, 'aws_config_remediation_configuration').length > 0);

/** A value, with a Terraform reference `${aws_x.y.attr}` resolved to that resource's literal attribute. */
function literal(json: Record<string, any>, value: string): string {
  const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/.exec(value);
  return m ? String(json.resource[m[1]][m[2]][m[3]]) : value;
}

describe('the trail settings come from one definition', () => {
  it('covers the remediating stacks of every example', () => {
    expect(stacks.map(([n]) => n)).toEqual(
      expect.arrayContaining([
        'single-account.yaml cloudtrail-guard-111111111111-us-east-1',
        'multi-account.yaml cloudtrail-guard-111111111111-us-east-1',
        'multi-account.yaml cloudtrail-guard-222222222222-eu-west-1',
        'multi-account.yaml cloudtrail-guard-333333333333-ap-southeast-2',
        'organization.yaml cloudtrail-guard-111111111111-us-east-1',
      ]),
    );
  });

  it.each(stacks)('%s: aws_cloudtrail, the remediation parameters and the fast path input agree', (_name, json) => {
    const remediation = only(json, 'aws_config_remediation_configuration');
    const params: Record<string, string> = Object.fromEntries(
      (remediation.parameter as Array<{ name: string; static_value?: string; static_values?: string[] }>).map((p) => [
        p.name,
        p.static_value ?? (p.static_values ?? []).join(','),
      ]),
    );
    expect(params).toMatchObject({
      IsMultiRegionTrail: String(TRAIL_BASELINE.isMultiRegionTrail),
      IncludeGlobalServiceEvents: String(TRAIL_BASELINE.includeGlobalServiceEvents),
      EnableLogFileValidation: String(TRAIL_BASELINE.enableLogFileValidation),
    });

    const targets = resources(json, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(1);
    const input = JSON.parse(targets[0][1].input) as Record<string, string[]>;
    // The fast path sends exactly what AWS Config sends.
    expect(Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v.join(',')]))).toEqual(params);

    const trails = resources(json, 'aws_cloudtrail');
    expect(trails.length).toBeLessThanOrEqual(1);
    if (trails.length === 0) return; // trail.manage: false — only the runbook creates it
    const t = trails[0][1];
    expect(t.name).toBe(params.TrailName);
    expect(t.s3_bucket_name).toBe(params.S3BucketName);
    expect(t.s3_key_prefix ?? '').toBe(params.S3KeyPrefix ?? '');
    expect(t.kms_key_id).toBe(params.KmsKeyId);
    expect(String(t.is_multi_region_trail)).toBe(params.IsMultiRegionTrail);
    expect(String(t.include_global_service_events)).toBe(params.IncludeGlobalServiceEvents);
    expect(String(t.enable_log_file_validation)).toBe(params.EnableLogFileValidation);
    expect(String(t.is_organization_trail)).toBe(params.IsOrganizationTrail);
    if (t.sns_topic_name) expect(params.SnsTopicARN.split(':').pop()).toBe(literal(json, t.sns_topic_name));
    else expect(params.SnsTopicARN).toBeUndefined();
    expect(t.cloud_watch_logs_group_arn ?? '').toBe(params.CloudWatchLogsLogGroupArn ?? '');
    expect(t.cloud_watch_logs_role_arn ?? '').toBe(params.CloudWatchLogsRoleArn ?? '');
    // A trail the runbook re-creates carries the tags Terraform gives it (the provider's default_tags).
    const defaultTags = (json.provider.aws[0].default_tags[0].tags ?? {}) as Record<string, string>;
    expect(params.TrailTags).toBe(
      Object.keys(defaultTags)
        .sort()
        .map((Key) => JSON.stringify({ Key, Value: defaultTags[Key] }))
        .join(','),
    );
    expect(t.event_selector).toEqual([
      {
        read_write_type: TRAIL_BASELINE.managementEvents.readWriteType,
        include_management_events: TRAIL_BASELINE.managementEvents.includeManagementEvents,
      },
    ]);
  });

  it('the runbook restores the management selector that the resource sets', () => {
    const handler = readFileSync(HANDLER_PATH, 'utf8');
    const m = /^MANAGEMENT_BASIC_SELECTOR = \{"ReadWriteType": "(\w+)", "IncludeManagementEvents": (True|False)\}$/m.exec(handler);
    expect(m && [m[1], m[2]]).toEqual([TRAIL_BASELINE.managementEvents.readWriteType, 'True']);
  });
});
