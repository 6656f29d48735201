import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApi } from '../../apps/fulfillment-api/src/generate-openapi';

describe('contracts/openapi.json', () => {
  it('matches what the API serves (run `npm run openapi` after changing a route or DTO)', async () => {
    const committed = readFileSync(join(__dirname, '../../contracts/openapi.json'), 'utf8');
    const rendered = await renderOpenApi();
    expect(JSON.parse(committed)).toEqual(JSON.parse(rendered));
    const paths = Object.keys(JSON.parse(rendered).paths as object);
    expect(paths).toEqual(expect.arrayContaining(['/v1/orders', '/v1/orders/{orderId}/shipments/{shipmentId}/ready-to-ship', '/v1/shipments/ready-to-ship']));
  });
});
