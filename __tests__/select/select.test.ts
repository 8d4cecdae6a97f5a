import { ConfigError, loadConfig, parseConfig } from '../../config';
import { selectAccounts, selectorFromEnvironment } from '../../config/select';

const multi = loadConfig('examples/multi-account.yaml');
const ids = (c: { accounts: ReadonlyArray<{ accountId: string; homeRegion: string }> }): string[] =>
  c.accounts.map((a) => `${a.accountId}/${a.homeRegion}`);

/** Runs `fn`, expects a ConfigError, returns its problems. */
function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

// multi: 111111111111 us-east-1 (environment=management), 222222222222 eu-west-1 (production), 333333333333 ap-southeast-2 (staging);
// all carry owner=platform-security from defaults.
// twin: 111111111111 us-east-1 (production), 222222222222 eu-west-1 (production, pci), 333333333333 us-east-1 (staging, team edge).
const twin = parseConfig(
  [
    'estate: twin',
    'state: { backend: local }',
    'defaults: { tags: { team: core } }',
    'accounts:',
    '  - { accountId: "111111111111", homeRegion: us-east-1, tags: { environment: production } }',
    '  - { accountId: "222222222222", homeRegion: eu-west-1, tags: { environment: production, pci: "yes" } }',
    '  - { accountId: "333333333333", homeRegion: us-east-1, tags: { environment: staging, team: edge } }',
  ].join('\n'),
  'twin.yaml',
);

describe('selectorFromEnvironment', () => {
  it('reads CLOUDTRAIL_GUARD_ACCOUNTS and CLOUDTRAIL_GUARD_TAGS', () => {
    const s = selectorFromEnvironment({
      CLOUDTRAIL_GUARD_ACCOUNTS: ' 111111111111, 222222222222 ',
      CLOUDTRAIL_GUARD_TAGS: 'environment=production, team=x',
    });
    expect(s).toEqual({
      accounts: ['111111111111', '222222222222'],
      tags: { environment: 'production', team: 'x' },
      sources: {
        accounts: 'environment variable CLOUDTRAIL_GUARD_ACCOUNTS',
        tags: 'environment variable CLOUDTRAIL_GUARD_TAGS',
      },
    });
  });

  it('reads the context keys accounts and tags (string, list or object)', () => {
    expect(selectorFromEnvironment({}, { accounts: '111111111111', tags: 'environment=production' })).toEqual({
      accounts: ['111111111111'],
      tags: { environment: 'production' },
      sources: { accounts: 'cdktf context key "accounts"', tags: 'cdktf context key "tags"' },
    });
    expect(
      selectorFromEnvironment({}, { accounts: ['cloudtrail-guard-222222222222-eu-west-1'], tags: { environment: 'staging', tier: 'a=b' } }),
    ).toEqual({
      accounts: ['cloudtrail-guard-222222222222-eu-west-1'],
      tags: { environment: 'staging', tier: 'a=b' },
      sources: { accounts: 'cdktf context key "accounts"', tags: 'cdktf context key "tags"' },
    });
  });

  it('keeps a value that contains = after the first one, and an empty value', () => {
    expect(selectorFromEnvironment({ CLOUDTRAIL_GUARD_TAGS: 'expr=a=b,empty=' }).tags).toEqual({ expr: 'a=b', empty: '' });
  });

  it('treats unset and empty variables as no condition', () => {
    expect(selectorFromEnvironment({})).toEqual({ sources: {} });
    expect(selectorFromEnvironment({ CLOUDTRAIL_GUARD_ACCOUNTS: '  ', CLOUDTRAIL_GUARD_TAGS: '' })).toEqual({ sources: {} });
  });

  it('rejects a value with only separators instead of selecting every account', () => {
    const p = problemsOf(() => selectorFromEnvironment({ CLOUDTRAIL_GUARD_ACCOUNTS: ' , ', CLOUDTRAIL_GUARD_TAGS: ',,' }));
    expect(p).toEqual([
      {
        file: 'environment variable CLOUDTRAIL_GUARD_ACCOUNTS',
        path: '$',
        value: ' , ',
        rule:
          'a 12-digit account ID or a stack name such as cloudtrail-guard-111111111111-us-east-1, separated by commas or white space; ' +
          'the value has separators but no entry (leave it empty or unset for no condition)',
      },
      {
        file: 'environment variable CLOUDTRAIL_GUARD_TAGS',
        path: '$',
        value: ',,',
        rule: 'key=value pairs separated by commas; the value has separators but no entry (leave it empty or unset for no condition)',
      },
    ]);
    expect(problemsOf(() => selectorFromEnvironment({}, { accounts: ',' }))[0]).toMatchObject({ file: 'cdktf context key "accounts"', path: '$', value: ',' });
    expect(problemsOf(() => selectorFromEnvironment({}, { accounts: ['111111111111', ' , '] }))).toEqual([
      {
        file: 'cdktf context key "accounts"',
        path: '$[1]',
        value: ' , ',
        rule: 'a 12-digit account ID or a stack name such as cloudtrail-guard-111111111111-us-east-1, not an empty entry',
      },
    ]);
    // an empty list is like an empty string: no condition
    expect(selectorFromEnvironment({}, { accounts: [] })).toEqual({ sources: {} });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects the tag key %s, naming the variable, value and rule', (key) => {
    const rule = 'a tag key other than __proto__, constructor, prototype (reserved JavaScript property names)';
    expect(problemsOf(() => selectorFromEnvironment({ CLOUDTRAIL_GUARD_TAGS: `${key}=x` }))).toEqual([
      { file: 'environment variable CLOUDTRAIL_GUARD_TAGS', path: '$[0]', value: `${key}=x`, rule },
    ]);
    expect(problemsOf(() => selectorFromEnvironment({}, { tags: [`environment=production`, ` ${key} =x`] }))).toEqual([
      { file: 'cdktf context key "tags"', path: '$[1]', value: `${key} =x`, rule },
    ]);
    // an object from CDKTF_CONTEXT_JSON: JSON.parse makes __proto__ an own key
    const fromJson = JSON.parse(`{"tags":{"${key}":"x"}}`) as Record<string, unknown>;
    expect(problemsOf(() => selectorFromEnvironment({}, fromJson))).toEqual([
      { file: 'cdktf context key "tags"', path: `$.${key}`, value: 'x', rule },
    ]);
    const e = (() => {
      try {
        selectorFromEnvironment({ CLOUDTRAIL_GUARD_TAGS: `${key}=x` });
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(e?.message).toContain(`environment variable CLOUDTRAIL_GUARD_TAGS: $[0]: "${key}=x": ${rule}`);
  });

  it('a tag key that merely contains proto is an ordinary tag, and the tag condition keeps its own keys', () => {
    const s = selectorFromEnvironment({ CLOUDTRAIL_GUARD_TAGS: 'proto=x,environment=production' });
    expect(s.tags).toEqual({ proto: 'x', environment: 'production' });
    expect(Object.getPrototypeOf(s.tags)).toBe(Object.prototype);
    expect(Object.keys(s.tags ?? {})).toEqual(['proto', 'environment']);
    expect(() => selectAccounts(multi, s)).toThrow(ConfigError); // no account carries proto=x: not "every account"
  });

  it('accepts env and context that agree', () => {
    const s = selectorFromEnvironment({ CLOUDTRAIL_GUARD_ACCOUNTS: '222222222222,111111111111' }, { accounts: ['111111111111', '222222222222'] });
    expect(s.accounts).toEqual(['222222222222', '111111111111']);
    expect(s.sources?.accounts).toBe('environment variable CLOUDTRAIL_GUARD_ACCOUNTS');
  });

  it('rejects env and context that disagree, naming both', () => {
    const p = problemsOf(() =>
      selectorFromEnvironment({ CLOUDTRAIL_GUARD_TAGS: 'environment=production' }, { tags: { environment: 'staging' } }),
    );
    expect(p).toHaveLength(1);
    expect(p[0].file).toBe('environment variable CLOUDTRAIL_GUARD_TAGS');
    expect(p[0].value).toBe('environment=production');
    expect(p[0].rule).toBe('the same tags as cdktf context key "tags" (environment=staging), or set only one of them');
  });

  it('rejects malformed entries, every one of them, with source, JSON path, value and rule', () => {
    const p = problemsOf(() =>
      selectorFromEnvironment(
        { CLOUDTRAIL_GUARD_ACCOUNTS: '111111111111,11111111111,prod', CLOUDTRAIL_GUARD_TAGS: 'environment,team=a,team=b' },
        { accounts: [111111111111] },
      ),
    );
    expect(p.map((x) => [x.file, x.path, x.value])).toEqual([
      ['environment variable CLOUDTRAIL_GUARD_ACCOUNTS', '$[1]', '11111111111'],
      ['environment variable CLOUDTRAIL_GUARD_ACCOUNTS', '$[2]', 'prod'],
      ['cdktf context key "accounts"', '$[0]', 111111111111],
      ['environment variable CLOUDTRAIL_GUARD_TAGS', '$[0]', 'environment'],
      ['environment variable CLOUDTRAIL_GUARD_TAGS', '$[2]', 'team=b'],
    ]);
    expect(p[0].rule).toBe('a 12-digit account ID or a stack name such as cloudtrail-guard-111111111111-us-east-1');
    expect(p[2].rule).toMatch(/as a string \(a number loses leading zeros\)$/);
    expect(p[3].rule).toBe('key=value (the value may be empty: key=)');
    expect(p[4].rule).toMatch(/^each tag key once; team is already "a"/);
  });
});

describe('selectAccounts', () => {
  it('keeps every account for an empty selector', () => {
    expect(selectAccounts(multi, {})).toBe(multi);
    expect(ids(selectAccounts(multi, selectorFromEnvironment({})))).toEqual([
      '111111111111/us-east-1',
      '222222222222/eu-west-1',
      '333333333333/ap-southeast-2',
    ]);
  });

  it('selects by account ID, in config order', () => {
    const s = selectorFromEnvironment({ CLOUDTRAIL_GUARD_ACCOUNTS: '333333333333,111111111111' });
    expect(ids(selectAccounts(multi, s))).toEqual(['111111111111/us-east-1', '333333333333/ap-southeast-2']);
  });

  it('selects by stack name', () => {
    expect(ids(selectAccounts(multi, { accounts: ['cloudtrail-guard-222222222222-eu-west-1'] }))).toEqual(['222222222222/eu-west-1']);
  });

  it('an account ID and its stack name select the same account', () => {
    expect(ids(selectAccounts(twin, { accounts: ['222222222222'] }))).toEqual(['222222222222/eu-west-1']);
    expect(ids(selectAccounts(twin, { accounts: ['cloudtrail-guard-222222222222-eu-west-1'] }))).toEqual(['222222222222/eu-west-1']);
    expect(ids(selectAccounts(twin, { accounts: ['222222222222', 'cloudtrail-guard-222222222222-eu-west-1'] }))).toEqual(['222222222222/eu-west-1']);
  });

  it('selects by tag; every tag must match, including tags from defaults', () => {
    expect(ids(selectAccounts(multi, { tags: { environment: 'production' } }))).toEqual(['222222222222/eu-west-1']);
    expect(ids(selectAccounts(multi, { tags: { owner: 'platform-security' } }))).toEqual([
      '111111111111/us-east-1',
      '222222222222/eu-west-1',
      '333333333333/ap-southeast-2',
    ]);
    expect(ids(selectAccounts(twin, { tags: { environment: 'production', team: 'core' } }))).toEqual([
      '111111111111/us-east-1',
      '222222222222/eu-west-1',
    ]);
    expect(ids(selectAccounts(twin, { tags: { environment: 'production', pci: 'yes' } }))).toEqual(['222222222222/eu-west-1']);
    // the account's own tag overrides the default one
    expect(ids(selectAccounts(twin, { tags: { team: 'edge' } }))).toEqual(['333333333333/us-east-1']);
  });

  it('combines accounts and tags: both must hold', () => {
    const s = selectorFromEnvironment({ CLOUDTRAIL_GUARD_ACCOUNTS: '111111111111,333333333333', CLOUDTRAIL_GUARD_TAGS: 'environment=production' });
    expect(ids(selectAccounts(twin, s))).toEqual(['111111111111/us-east-1']);
  });

  it('keeps the rest of the configuration', () => {
    const out = selectAccounts(multi, { accounts: ['222222222222'] });
    expect(out.state).toBe(multi.state);
    expect(out.estate).toBe('acme');
    expect(out.file).toBe('examples/multi-account.yaml');
    expect(out.accounts[0]).toBe(multi.accounts[1]);
  });

  it('throws for an account ID that is not in the config, naming the source, value and rule', () => {
    const s = selectorFromEnvironment({ CLOUDTRAIL_GUARD_ACCOUNTS: '111111111111,999999999999' });
    const p = problemsOf(() => selectAccounts(multi, s));
    expect(p).toEqual([
      {
        file: 'environment variable CLOUDTRAIL_GUARD_ACCOUNTS',
        path: '$[1]',
        value: '999999999999',
        rule: 'an account ID or stack name in examples/multi-account.yaml (its accounts: 111111111111, 222222222222, 333333333333)',
      },
    ]);
    const e = (() => {
      try {
        selectAccounts(multi, s);
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(e?.message).toContain('environment variable CLOUDTRAIL_GUARD_ACCOUNTS: $[1]: "999999999999": an account ID or stack name');
  });

  it('throws for a stack name in the wrong home Region', () => {
    const p = problemsOf(() => selectAccounts(multi, selectorFromEnvironment({}, { accounts: 'cloudtrail-guard-111111111111-eu-west-1' })));
    expect(p.map((x) => [x.file, x.value])).toEqual([['cdktf context key "accounts"', 'cloudtrail-guard-111111111111-eu-west-1']]);
  });

  it('throws for tags that match nothing', () => {
    const p = problemsOf(() => selectAccounts(multi, selectorFromEnvironment({ CLOUDTRAIL_GUARD_TAGS: 'environment=prod' })));
    expect(p).toHaveLength(1);
    expect(p[0].file).toBe('environment variable CLOUDTRAIL_GUARD_TAGS');
    expect(p[0].value).toBe('environment=prod');
    expect(p[0].rule).toMatch(/^tags that at least one account in examples\/multi-account.yaml carries/);
  });

  it('throws when accounts and tags each match but leave nothing together', () => {
    const s = selectorFromEnvironment({ CLOUDTRAIL_GUARD_ACCOUNTS: '111111111111' }, { tags: 'environment=staging' });
    const p = problemsOf(() => selectAccounts(multi, s));
    expect(p).toHaveLength(1);
    expect(p[0].file).toBe('environment variable CLOUDTRAIL_GUARD_ACCOUNTS and cdktf context key "tags"');
    expect(p[0].value).toBe('111111111111 with environment=staging');
  });

  it('uses default source names for a selector built in code', () => {
    const p = problemsOf(() => selectAccounts(multi, { accounts: ['444444444444'] }));
    expect(p[0].file).toBe('selector.accounts');
  });

  it('lists at most five known accounts in the message of a large estate', () => {
    const lines = ['estate: big', 'state: { backend: local }', 'accounts:'];
    for (let i = 0; i < 12; i++) lines.push(`  - { accountId: "${100000000000 + i}", homeRegion: us-east-1 }`);
    const big = parseConfig(lines.join('\n'), 'big.yaml');
    const p = problemsOf(() => selectAccounts(big, { accounts: ['999999999999'] }));
    expect(p[0].rule).toBe(
      'an account ID or stack name in big.yaml (its accounts: 100000000000, 100000000001, 100000000002, 100000000003, 100000000004 and 7 more)',
    );
    expect(ids(selectAccounts(big, { accounts: ['100000000011'] }))).toEqual(['100000000011/us-east-1']);
  });
});

describe('selectAccounts: the log-archive stack', () => {
  const archive = loadConfig('examples/log-archive.yaml');
  const LA = 'cloudtrail-guard-log-archive-444444444444-eu-west-1';

  it('an empty selector keeps it (the configuration itself, logArchiveSelected unset: the stack is built)', () => {
    expect(selectAccounts(archive, {})).toBe(archive);
  });

  it('is left out when the selection names only accounts; their stacks still know the archive', () => {
    const c = selectAccounts(archive, { accounts: ['222222222222'] });
    expect(ids(c)).toEqual(['222222222222/eu-west-1']);
    expect(c.logArchiveSelected).toBe(false);
    expect(c.logArchive).toBe(archive.logArchive);
  });

  it('is kept when named by its stack name or its account ID, alone (no account) or with accounts', () => {
    for (const w of [LA, '444444444444']) {
      const alone = selectAccounts(archive, { accounts: [w] });
      expect([w, ids(alone), alone.logArchiveSelected]).toEqual([w, [], true]);
    }
    const both = selectAccounts(archive, { accounts: [LA, '333333333333'] });
    expect([ids(both), both.logArchiveSelected]).toEqual([['333333333333/us-east-1'], true]);
  });

  it('a tag condition never selects it', () => {
    const c = selectAccounts(archive, { accounts: [LA, '222222222222'], tags: {} });
    expect(c.logArchiveSelected).toBe(true);
    const tagged = parseConfig(
      `estate: tagged
state: { backend: local }
logArchive: { accountId: "444444444444", region: eu-west-1, deploymentRoleArn: "arn:aws:iam::444444444444:role/d", breakGlassRoleArns: ["arn:aws:iam::444444444444:role/b"] }
accounts:
  - { accountId: "222222222222", homeRegion: eu-west-1, logDestination: archive, tags: { environment: production } }
`,
      't.yaml',
    );
    const byTag = selectAccounts(tagged, { tags: { environment: 'production' } });
    expect([ids(byTag), byTag.logArchiveSelected]).toEqual([['222222222222/eu-west-1'], false]);
  });

  it('an unknown stack name is still refused, and the message names the log archive', () => {
    const [p] = problemsOf(() => selectAccounts(archive, { accounts: ['cloudtrail-guard-log-archive-444444444444-us-east-1'] }));
    expect(p.rule).toBe(
      `an account ID or stack name in ${archive.file} (its accounts: 222222222222, 333333333333; its log archive: ${LA})`,
    );
  });
});
