/**
 * Writes a Terraform CLI configuration that installs hashicorp/aws from a local filesystem mirror, for machines
 * without a registry. https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation
 *
 * Usage: `node --import tsx tools/terraform-cli-config.ts [out-file]` with `CLOUDTRAIL_GUARD_PROVIDER_MIRROR` set to
 * the mirror's root (the folder that holds `registry.terraform.io/`). Prints the file's path; then
 * `export TF_CLI_CONFIG_FILE=<path>`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The environment variable that names the provider mirror. */
export const MIRROR_ENV = 'CLOUDTRAIL_GUARD_PROVIDER_MIRROR';

/** Where the CLI configuration is written by default (ignored by git). */
export const DEFAULT_CLI_CONFIG = resolve(__dirname, '..', '.tmp', 'terraform', 'cli.tfrc');

/** True when `dir` holds a hashicorp/aws provider in the unpacked mirror layout. */
export function isProviderMirror(dir: string): boolean {
  return existsSync(join(dir, 'registry.terraform.io', 'hashicorp', 'aws'));
}

/**
 * The CLI configuration text: a `provider_installation` block that installs `registry.terraform.io/hashicorp/*`
 * (hashicorp/aws among them) from the filesystem mirror only, never directly from the registry.
 * @param mirror absolute path of the mirror root
 * @see https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation
 */
export function cliConfigText(mirror: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * Writes the CLI configuration for `mirror` to `file` (creating its folder).
 * @param file @default {@link DEFAULT_CLI_CONFIG}
 * @returns the absolute path written
 * @throws Error when `mirror` holds no hashicorp/aws provider, or (from fs) when the file cannot be written
 * @see https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation
 */
export function writeCliConfig(mirror: string, file: string = DEFAULT_CLI_CONFIG): string {
  if (!isProviderMirror(mirror)) {
    throw new Error(`${MIRROR_ENV}=${mirror}: no registry.terraform.io/hashicorp/aws below it`);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, cliConfigText(resolve(mirror)));
  return resolve(file);
}

if (require.main === module) {
  const mirror = process.env[MIRROR_ENV];
  if (!mirror) {
    console.error(`${MIRROR_ENV} is not set: set it to the provider mirror's root (find / -name 'terraform-provider-aws*').`);
    process.exit(2);
  }
  console.log(writeCliConfig(mirror, process.argv[2]));
}
