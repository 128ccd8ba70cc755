import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '@parcelwatch/contracts';
import { createApprovalWorkflow, registerApprovalRoutes } from '../src/index.js';
import { startOwnPortServer, type OwnPortServer } from '@parcelwatch/access/testing';

// Approvals on compensation's own port (distributed mode) enforce the api's access layer.
describe('compensation approvals on the service\'s own port', () => {
  let server: OwnPortServer;
  beforeAll(async () => {
    server = await startOwnPortServer((app, deps) => registerApprovalRoutes(app, createApprovalWorkflow({ ...deps, compensationsTopic: 'compensations' })));
  });
  afterAll(async () => server.close());

  it('answers 401 without a key and 403 to a key scoped to another merchant', async () => {
    const merchantA = await server.merchant();
    const merchantB = await server.merchant();
    const unauthenticated = await server.call('GET', `/compensations?merchantId=${merchantA}`, null);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body?.message).toMatch(/needs an API key/);
    expect((await server.call('POST', `/compensations/${newId()}/approve`, null, {})).status).toBe(401);
    const approverB = await server.key('approver', [merchantB]);
    expect((await server.call('GET', `/compensations?merchantId=${merchantA}`, approverB)).status).toBe(403);
    expect((await server.call('GET', `/compensations?merchantId=${merchantB}`, approverB)).status).toBe(200);
    const viewerB = await server.key('viewer', [merchantB]);
    expect((await server.call('POST', `/compensations/${newId()}/approve`, viewerB, {})).status).toBe(403);
  });
});
