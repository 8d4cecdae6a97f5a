/**
 * The runbook as a document: its shape and renderer, parameter semantics, the AWS API model and the static checks.
 * See runbook/document/README.md.
 */
export * from './api-model';
export * from './document';
export * from './parameters';
export * from './static-checks';
export * from './values';
