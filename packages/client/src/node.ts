/** `@gatehouse/client/node`: what only Node has (the file store); the client itself is in the main entry. */
export { fileStorage } from './node/file-storage.js';
