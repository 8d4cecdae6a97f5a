/**
 * A local executor for SSM Automation runbooks, its static checks, and the in-memory CloudTrail model that dry runs
 * use. See runbook/executor/README.md.
 */
export * from './api-model';
export * from './document';
export * from './dry-run';
export * from './executor';
export * from './parameters';
export * from './static-checks';
export * from './trail-model';
export * from './values';
