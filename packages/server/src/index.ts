export { buildApp, type BuildAppOptions } from './app.js';
export { engineLinks } from './routes/links.js';
export { startServer, type RunningServer, type StartServerOptions } from './start.js';
export { loadServerConfig } from './config/load.js';
export { loggerOptions, redactQuery } from './logging.js';
export { registerApiArea, type ApiAreaOptions } from './plugins/api-area.js';
export { problem, statusOf, type ProblemCode, type ProblemDocument } from './errors/problem.js';
