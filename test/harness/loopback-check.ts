// setupFilesAfterEnv of every jest config: a test file during which the loopback guard refused a
// connection fails, even when the code under test swallowed the error (a client that retries, a
// worker that logs and moves on).
import { afterAll, expect } from '@jest/globals';
import { refusedConnections } from './loopback-guard.mjs';

afterAll(() => {
  expect({ refusedNonLoopbackConnections: refusedConnections }).toEqual({ refusedNonLoopbackConnections: [] });
});
