/** `storage`: where durable records and hot state live, and how their connections behave. */
import * as z from 'zod';

import { hasScheme, isHostPort } from '../checks.js';
import { checked, int, nonEmpty } from '../schema-kit.js';

export const storageSchema = z.strictObject({
  // Embedded data (PGlite database, generated development secret).
  dataDir: nonEmpty.default('./.gatehouse'),
  // PostgreSQL; unset = embedded PGlite in dataDir (no setup on a laptop).
  databaseUrl: checked(hasScheme('postgres', 'postgresql'), 'a postgres:// or postgresql:// URL').optional(),
  // PostgreSQL connections each instance opens at most: 10, node-postgres' own default,
  // keeps a few instances well inside PostgreSQL's 100 connections.
  databasePoolSize: int(1, 1_000).default(10),
  // How long opening a PostgreSQL connection may take before the call fails: 5 s rides
  // out a busy server without stalling requests behind an unreachable one.
  databaseConnectTimeoutMs: int(1).default(5_000),
  // Redis for hot state and jobs; unset = state in the database (SQL store).
  redisUrl: checked(hasScheme('redis', 'rediss'), 'a redis:// or rediss:// URL').optional(),
  // Redis Cluster seed nodes (host:port); use instead of redisUrl, not with it.
  redisClusterNodes: z.array(checked(isHostPort, 'host:port (or [ipv6]:port)')).default([]),
  // Deadline of one state-store command on Redis: 1 s. A hung Redis then fails the call
  // (the request fails closed) instead of stalling a login.
  redisCommandTimeoutMs: int(1).default(1_000),
  // How long a Redis (state store) connection may take to open: 2 s.
  redisConnectTimeoutMs: int(1).default(2_000),
  // How often expired state is swept from SQL stores (Redis expires keys
  // itself); a minute keeps tables small without measurable load.
  stateSweepIntervalMs: int(1_000).default(60_000),
});
