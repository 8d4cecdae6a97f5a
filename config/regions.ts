/**
 * AWS Regions and partitions, from the AWS SDK's own partition data (`@aws-sdk/core` endpoint rules), not a list of
 * ours. See https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
import { partition as sdkPartition } from '@aws-sdk/core/client';

/** True when `region` is a Region that the SDK's partition data names (e.g. `us-east-1`, `cn-north-1`). */
export function isKnownRegion(region: unknown): region is string {
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return false;
  const p = sdkPartition(region) as { description?: string };
  return typeof p.description === 'string';
}

/**
 * The partition of a known Region: `aws`, `aws-cn`, `aws-us-gov`, ...
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 * @throws Error when `region` is not a Region the SDK's partition data names ({@link isKnownRegion}).
 */
export function partitionOf(region: string): string {
  if (!isKnownRegion(region)) throw new Error(`not a known AWS Region: ${JSON.stringify(region)}`);
  return sdkPartition(region).name;
}
