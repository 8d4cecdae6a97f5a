import { Construct } from 'constructs';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { terraformLiteral } from './terraform-string';
import { renderRunbook, RUNBOOK_PATH } from '../runbook/document/document';

export { RUNBOOK_PATH };

/**
 * The runbook as deployed: runbook/cloudtrail-remediation-action.yml with the Python handler
 * (runbook/remediate_trail.py) inlined as the Script of its aws:executeScript step. Rendered once per process.
 * @throws Error (from fs or yaml) when a file cannot be read or the template is not YAML.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
 */
export function readRunbook(): string {
  rendered ??= renderRunbook();
  return rendered;
}
let rendered: string | undefined;

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
   * @default runbook/cloudtrail-remediation-action.yml with runbook/remediate_trail.py inlined, at synth time
   *   ({@link readRunbook})
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
