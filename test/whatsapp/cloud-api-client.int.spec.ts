import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudApiClient, WhatsAppApiError } from '@fulfil/whatsapp';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: Buffer;
}

/** A stand-in for graph.facebook.com that records requests and answers like the Graph API. */
describe('Cloud API client (against a local Graph API double)', () => {
  const seen: Seen[] = [];
  let server: Server;
  let base: string;
  let client: CloudApiClient;

  function answer(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
    seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, contentType: request.headers['content-type'], body });
    const json = (status: number, value: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (request.url === '/v22.0/1065403522/messages') {
      const sent = JSON.parse(body.toString()) as { to: string };
      if (sent.to === '919800000047') return json(400, { error: { message: '(#131047) Re-engagement message', code: 131047, error_data: { details: 'Message failed to send because more than 24 hours have passed' } } });
      return json(200, { messaging_product: 'whatsapp', contacts: [{ input: sent.to, wa_id: sent.to }], messages: [{ id: 'wamid.HBgM' }] });
    }
    if (request.url === '/v22.0/1065403522/media') return json(200, { id: '1037543291543636' });
    if (request.url === '/v22.0/media-77') return json(200, { url: `${base}/download/media-77?token=1`, mime_type: 'image/jpeg', sha256: 'x', file_size: 3, id: 'media-77' });
    if (request.url === '/download/media-77?token=1') return void response.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from([0xff, 0xd8, 0xff]));
    json(404, { error: { message: 'Unknown path', code: 100 } });
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => answer(request, response, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new CloudApiClient({ accessToken: 'EAAG-secret', phoneNumberId: '1065403522', graphApiVersion: 'v22.0', graphApiBaseUrl: base });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends interactive buttons to the versioned messages endpoint with the bearer token', async () => {
    const result = await client.send({ type: 'buttons', to: '919800000001', body: 'Send photos, then tap Done', buttons: [{ id: 'fulfil:done:o1', title: 'Done' }] });
    expect(result).toEqual({ messageId: 'wamid.HBgM' });
    const request = seen[seen.length - 1]!;
    expect(request).toMatchObject({ method: 'POST', authorization: 'Bearer EAAG-secret' });
    expect(JSON.parse(request.body.toString())).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919800000001',
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Send photos, then tap Done' }, action: { buttons: [{ type: 'reply', reply: { id: 'fulfil:done:o1', title: 'Done' } }] } },
    });
  });

  it("turns Meta's error into a typed error with its code, without the token", async () => {
    const error = await client.send({ type: 'text', to: '919800000047', body: 'hello' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppApiError);
    expect(error).toMatchObject({ code: 131047, httpStatus: 400, message: expect.stringContaining('24 hours') });
    expect(String((error as Error).message)).not.toContain('EAAG-secret');
  });

  it('uploads media as multipart and downloads media in two steps with the same token', async () => {
    expect(await client.uploadMedia(Buffer.from('%PDF-1.7'), 'application/pdf', 'invoice-INV_1-r1.pdf')).toEqual({ mediaId: '1037543291543636' });
    const upload = seen[seen.length - 1]!;
    expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body.toString()).toContain('filename="invoice-INV_1-r1.pdf"');
    expect(upload.body.toString()).toContain('name="messaging_product"');
    const downloaded = await client.downloadMedia('media-77');
    expect(downloaded).toEqual({ content: Buffer.from([0xff, 0xd8, 0xff]), mimeType: 'image/jpeg' });
    expect(seen.slice(-2).map((s) => [s.url, s.authorization])).toEqual([
      ['/v22.0/media-77', 'Bearer EAAG-secret'],
      ['/download/media-77?token=1', 'Bearer EAAG-secret'],
    ]);
  });
});
