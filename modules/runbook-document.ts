import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { terraformLiteral } from './terraform-string';

/** Absolute path of the remediation runbook, resolved relative to this module (works from any working directory). */
export const RUNBOOK_PATH: string = path.join(__dirname, '..', 'runbook', 'cloudtrail-remediation-action.yml');

/**
 * Reads the runbook text (UTF-8) from {@link RUNBOOK_PATH}.
 * @throws Error (from fs) when the file does not exist.
 */
export function readRunbook(): string {
  return readFileSync(RUNBOOK_PATH, 'utf8');
}

/**
 * Prefixes that SSM reserves for AWS documents; CreateDocument rejects names that begin with them (any case).
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html#systemsmanager-CreateDocument-request-Name
 */
export const RESERVED_DOCUMENT_PREFIXES = ['aws', 'amazon', 'amzn'] as const;

/** Document names: 3 to 128 of letters, digits, `_`, `-`, `.` (CreateDocument `Name` pattern). */
const DOCUMENT_NAME = /^[a-zA-Z0-9_\-.]{3,128}$/;

/**
 * Checks an SSM document name.
 * @throws Error naming the rule when the name has a reserved prefix or does not match `^[a-zA-Z0-9_\-.]{3,128}$`.
 */
export function assertDocumentName(name: string): void {
  const reserved = RESERVED_DOCUMENT_PREFIXES.find((p) => name.toLowerCase().startsWith(p));
  if (reserved) {
    throw new Error(`SSM document name ${JSON.stringify(name)} begins with the reserved prefix "${reserved}" (any case); choose another name`);
  }
  if (!DOCUMENT_NAME.test(name)) {
    throw new Error(`SSM document name ${JSON.stringify(name)} must be 3 to 128 characters of letters, digits, _ - .`);
  }
}

/** Props of {@link RunbookDocument}. */
export interface RunbookDocumentProps {
  /** The document name; see {@link assertDocumentName}. */
  readonly documentName: string;
  /**
   * The runbook (YAML, schemaVersion 0.3).
   * @default the text of runbook/cloudtrail-remediation-action.yml, read at synth time ({@link readRunbook})
   */
  readonly content?: string;
  /**
   * Tags on the document.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The remediation runbook as an SSM Automation document (`document_type = Automation`, `document_format = YAML`).
 * Refer to its `defaultVersion` from the remediation configuration (the provider makes each new content the default).
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/ssm_document
 * @throws Error when the name is reserved or malformed, or the runbook file cannot be read.
 */
export class RunbookDocument extends Construct {
  public readonly document: SsmDocument;
  /** The YAML text that was synthesized. */
  public readonly content: string;

  constructor(scope: Construct, id: string, props: RunbookDocumentProps) {
    super(scope, id);
    assertDocumentName(props.documentName);
    this.content = props.content ?? readRunbook();
    this.document = new SsmDocument(this, 'document', {
      name: props.documentName,
      documentType: 'Automation',
      documentFormat: 'YAML',
      content: terraformLiteral(this.content), // literal text: modules/terraform-string.ts
      tags: { ...(props.tags ?? {}) },
    });
  }
}
