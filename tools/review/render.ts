/**
 * REVIEW.md: the review as Markdown, one section per stack (and the changes first, in diff mode). review.json holds
 * the same content as data ({@link ReviewDocument}).
 */
import type { Finding } from './diff';
import type { BucketFacts, Grant, RoleFacts, StackReview } from './stack';

/** What review.json holds. */
export interface ReviewDocument {
  /** `npm run review` (tools/review.ts). */
  readonly generatedBy: string;
  /** The folder the stacks were read from. */
  readonly source: string;
  /** Diff mode: what the stacks were compared with (a folder, or `git ref <ref> (<commit>)`), and the changes. */
  readonly against?: string;
  readonly changes?: { readonly security: Finding[]; readonly other: Finding[] };
  readonly stacks: StackReview[];
}

/** Inline code, with backticks in the text kept readable. */
const code = (s: string): string => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

const grantLine = (g: Grant): string => `- ${g.text}${g.sid ? ` (${code(g.sid)})` : ''}`;

function grantList(title: string, grants: readonly Grant[], none: string): string[] {
  return [`**${title}**`, '', ...(grants.length ? grants.map(grantLine) : [`- ${none}`]), ''];
}

function roleSection(title: string, role: RoleFacts | undefined, none: string): string[] {
  if (!role) return [`### ${title}`, '', none, ''];
  return [
    `### ${title}`,
    '',
    `${code(role.address)}${role.name ? `, role ${code(role.name)}` : ''}.`,
    '',
    ...grantList('Who may assume it', role.trustedBy, 'nobody (no trust policy statement)'),
    ...grantList('What it may do', role.may, 'nothing (no inline policy)'),
    ...(role.managedPolicies.length
      ? [`Managed policies attached: ${role.managedPolicies.map(code).join(', ')}.`, '']
      : []),
  ];
}

const cell = (s: string | undefined): string => (s === undefined ? '-' : s.replace(/\|/g, '\\|'));

/** One stack's section. */
export function renderStack(r: StackReview): string[] {
  const lines: string[] = [
    `## ${r.stack}`,
    '',
    `Account ${r.account ?? 'unknown'}, Region ${r.region ?? 'unknown'}: ${r.resourceCount} resource${r.resourceCount === 1 ? '' : 's'}` +
      (r.moved.length
        ? `, ${r.moved.length} \`moved\` block${r.moved.length === 1 ? '' : 's'} (from the addresses of earlier versions)`
        : '') +
      '.',
    '',
    '```mermaid',
    r.diagram,
    '```',
    '',
  ];
  // buckets
  const bucketLines = (title: string, b: BucketFacts): string[] => {
    const pab = b.publicAccessBlock;
    const access = pab
      ? Object.values(pab).every(Boolean)
        ? 'all four settings on'
        : Object.entries(pab)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
      : 'none';
    return [
      `### ${title} ${code(b.name)}`,
      '',
      `${code(b.address)}: versioning ${b.versioning ?? 'not configured'}; public access block ${access}; encryption ${
        b.encryption ?? 'not configured'
      }; object ownership ${b.objectOwnership ?? 'not configured'}${b.objectLock ? `; Object Lock ${b.objectLock}` : ''}; force_destroy ${
        b.forceDestroy ? '**on**' : 'off'
      }.`,
      '',
      ...grantList('Who may write to it', b.writers, 'nobody (no Allow statement with a Write action)'),
      ...grantList('Other access', b.otherAccess, 'none'),
      ...grantList('Denied', b.denied, 'nothing'),
    ];
  };
  if (r.logBucket) lines.push(...bucketLines('Log bucket', r.logBucket));
  else if (r.deliversTo) {
    lines.push(
      '### Log bucket',
      '',
      `The trail delivers to ${code(r.deliversTo)}, a bucket this stack does not create.`,
      '',
    );
  } else lines.push('### Log bucket', '', 'This stack creates no log bucket.', '');
  for (const b of r.otherBuckets) lines.push(...bucketLines('Bucket', b));
  // key
  if (r.key?.address) {
    const k = r.key;
    lines.push(
      `### Trail key ${code(k.address!)}`,
      '',
      `Aliases ${k.aliases.length ? k.aliases.map(code).join(', ') : 'none'}; rotation ${k.rotation === undefined ? 'not set' : k.rotation ? 'on' : '**off**'}; deletion window ${k.deletionWindowInDays ?? 'default'} days.`,
      '',
      ...grantList('Who may use it', k.users, 'nobody'),
      ...(k.denied.length ? grantList('Denied', k.denied, 'nothing') : []),
    );
  } else if (r.key?.existingKeyArn) {
    lines.push(
      '### Trail key',
      '',
      `A key this stack does not create, ${code(r.key.existingKeyArn)}: its key policy is not part of this stack.`,
      '',
    );
  }
  const guards = r.remediation !== undefined || r.trail.managed;
  if (r.automationRole || r.remediation) {
    lines.push(
      ...roleSection(
        "What the automation role (the runbook's role) may do",
        r.automationRole,
        'No automation role in this stack.',
      ),
    );
  }
  if (r.runbook) {
    const d = r.runbook;
    lines.push(
      `### Runbook ${code(d.name)}`,
      '',
      `${code(d.address)}: ${d.documentType ?? 'document'}, steps ${d.steps.map(code).join(', ') || 'none'}; assumes ${code(d.assumeRole ?? '(its caller)')}; parameters ${d.parameters.map(code).join(', ') || 'none'}; content ${d.contentLines} lines, SHA-256 ${code(d.contentSha256)}.`,
      '',
    );
  }
  // fast path
  if (r.fastPath) {
    const f = r.fastPath;
    lines.push(
      '### Fast path',
      '',
      `${code(f.address)}${f.name ? ` (${code(f.name)})` : ''}: **${f.enabled ? 'enabled' : 'disabled'}**. It matches ${f.detailTypes.map(code).join(', ') || 'any detail type'} from ${f.sources.map(code).join(', ')}, event source ${f.eventSources.map(code).join(', ') || 'any'}, event names ${f.eventNames.map(code).join(', ') || 'any'}, on the trail ${f.trails.map(code).join(' or ') || '(any)'}${f.onlySuccessfulCalls ? ', successful calls only (no errorCode)' : ''}; its target is ${f.target ? code(f.target) : 'none'}.`,
      '',
    );
    lines.push(...roleSection('What the fast path role may do', f.role, 'The fast path has no role.').slice(0));
  } else if (guards) lines.push('### Fast path', '', '**Off**: no EventBridge rule watches the trail.', '');
  // SCP
  for (const s of r.scps) {
    lines.push(
      `### Tamper-prevention SCP${s.name ? ` ${code(s.name)}` : ''}`,
      '',
      `${code(s.address)}, attached to ${s.attachedTo.map(code).join(', ') || 'nothing'}. Exceptions (principals its Deny statements exempt): ${s.exceptions.map(code).join(', ') || 'none'}.`,
      '',
      ...grantList('What it denies', s.denies, 'nothing'),
    );
  }
  // trail baseline
  const trailText = r.trail.managed
    ? `The trail is managed by Terraform (${code(r.trail.address!)}).`
    : r.remediation
      ? 'The trail is not managed by Terraform (`trail.manage: false`); the runbook restores it.'
      : r.rules.length
        ? 'This stack has no trail and no remediation: it detects only, with the AWS Config rule below.'
        : 'This stack has no trail.';
  lines.push('### Trail baseline', '', trailText, '');
  if (r.trail.baseline.length) {
    lines.push(
      '| setting | aws_cloudtrail | remediation parameter | fast path input |',
      '|---|---|---|---|',
      ...r.trail.baseline.map(
        (b) => `| ${b.setting} | ${cell(b.trail)} | ${cell(b.remediation)} | ${cell(b.fastPath)} |`,
      ),
      '',
    );
  }
  // rules and remediation
  lines.push('### AWS Config rules and remediation', '');
  if (r.rules.length === 0 && !r.remediation) lines.push('- None.');
  else if (r.rules.length === 0) lines.push('- **No AWS Config rule.**');
  for (const rule of r.rules) {
    lines.push(
      `- ${code(rule.name)} (${code(rule.address)}): ${rule.identifier ?? 'custom'}, maximum execution frequency ${rule.frequency ?? 'TwentyFour_Hours (default)'}${rule.inputParameters ? `, parameters ${code(rule.inputParameters)}` : ''}.`,
    );
  }
  if (r.remediation) {
    const m = r.remediation;
    lines.push(
      `- Remediation ${code(m.address)}: **${m.automatic ? 'automatic' : 'manual'}**, ${m.maximumAutomaticAttempts ?? '-'} attempts within ${m.retryAttemptSeconds ?? '-'} s, rule ${m.rule ? code(m.rule) : '-'}, runbook ${m.runbook ? code(m.runbook) : '-'}.`,
    );
  } else if (r.rules.length) lines.push('- **No remediation.**');
  if (r.recorder)
    lines.push(
      `- AWS Config recorder ${code(r.recorder.address)} (created by this stack), recording ${r.recorder.enabled ? 'on' : 'off'}.`,
    );
  lines.push('');
  // notifications
  lines.push('### Notifications', '');
  const n = r.notifications;
  if (!n.topic && !n.logGroup) lines.push('None: no SNS topic, no CloudWatch Logs delivery.', '');
  if (n.topic)
    lines.push(
      `SNS topic ${code(n.topic.name ?? n.topic.address)} (${code(n.topic.address)}).`,
      '',
      ...grantList('Who may publish', n.topic.publishers, 'nobody'),
    );
  if (n.logGroup) {
    lines.push(
      `CloudWatch Logs group ${code(n.logGroup.name ?? n.logGroup.address)} (${code(n.logGroup.address)}), retention ${n.logGroup.retentionInDays ?? 'never expires'} days.`,
      '',
    );
    lines.push(...roleSection('What the CloudWatch Logs role may do', n.logsRole, 'No CloudWatch Logs role.'));
  }
  // protection
  const prot = r.protection.filter((p) => p.preventDestroy).map((p) => code(p.address));
  lines.push('### Protection', '', `\`prevent_destroy\` on: ${prot.join(', ') || '**nothing**'}.`, '');
  return lines;
}

/** One finding as a list item. */
const findingLine = (f: Finding, i: number): string => `${i + 1}. ${code(f.stack)}: ${f.text}`;

/** The whole REVIEW.md. */
export function renderReview(doc: ReviewDocument): string {
  const lines: string[] = [
    '# Review',
    '',
    `${doc.stacks.length} stack(s) from ${code(doc.source)}, written by \`npm run review\` (tools/review.ts) from each stack's ` +
      '`cdk.tf.json`: policies parsed statement by statement, each in plain words. The same content as data: `review.json`.',
    '',
  ];
  if (doc.changes) {
    lines.push(
      `## Changes against ${doc.against}`,
      '',
      `### Security-relevant (${doc.changes.security.length})`,
      '',
      ...(doc.changes.security.length ? doc.changes.security.map(findingLine) : ['None.']),
      '',
      `### Other (${doc.changes.other.length})`,
      '',
      ...(doc.changes.other.length ? doc.changes.other.map(findingLine) : ['None.']),
      '',
    );
  }
  for (const s of doc.stacks) lines.push(...renderStack(s));
  return lines.join('\n');
}
