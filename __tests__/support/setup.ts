import { setupJest } from 'cdktf/lib/testing/adapters/jest';

setupJest();
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
