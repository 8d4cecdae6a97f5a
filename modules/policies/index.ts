export * from './types';
export * from './log-bucket-policy';
export * from './trail-key-policy';
export * from './automation-role-policy';
export * from './tamper-scp';
export * from './trail-notifications-policy';
export * from './fast-path-policy';
