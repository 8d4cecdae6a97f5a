/**
 * The provider defaults the review's diff mode reads for `aws_cloudtrail` attributes left out of a configuration
 * (tools/review/stack.ts CLOUDTRAIL_DEFAULTS), checked against hashicorp/aws 5.100.0 itself: terraform plans a trail
 * that sets none of them, and the planned values are the defaults.
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/cloudtrail
 */
import { CLOUDTRAIL_DEFAULTS } from '../../tools/review/stack';
import { initValidatePlan, tallyCheck } from '../support/terraform';

test('a trail planned without the baseline attributes gets the defaults the review assumes', () => {
  if (!tallyCheck('aws_cloudtrail defaults')) return;
  const stack = {
    terraform: { required_providers: { aws: { source: 'aws', version: '5.100.0' } } },
    provider: { aws: [{ region: 'us-east-1' }] },
    resource: { aws_cloudtrail: { t: { name: 'defaults', s3_bucket_name: 'some-bucket' } } },
  };
  const r = initValidatePlan(stack, { planJson: true });
  const values = r.plan!.planned_values.root_module.resources[0].values;
  expect(Object.fromEntries(Object.keys(CLOUDTRAIL_DEFAULTS).map((k) => [k, values[k]]))).toEqual(CLOUDTRAIL_DEFAULTS);
  expect(CLOUDTRAIL_DEFAULTS).toEqual({
    enable_logging: true,
    is_multi_region_trail: false,
    include_global_service_events: true,
    enable_log_file_validation: false,
    is_organization_trail: false,
  });
}, 300_000);
